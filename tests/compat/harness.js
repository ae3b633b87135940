// Starts a real dialbookd on a free port with a temporary database, makes
// OAuth clients with `dialbookd client add`, and points the official SDK at
// it with setGateway (see shared/reference: pointing the SDK at a local server).
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BINARY = process.env.DIALBOOKD || path.join(ROOT, 'build', 'dialbookd');

// With $DIALBOOK_TEST_PG (a libpq URI of a server where databases may be
// created), each server gets a fresh PostgreSQL database instead of a file.
const PG_SERVER = process.env.DIALBOOK_TEST_PG || '';

function pgDatabase() {
  const name = `dialbook_${Math.random().toString(16).slice(2, 14)}`;
  execFileSync('psql', [PG_SERVER, '-v', 'ON_ERROR_STOP=1', '-qAtc', `CREATE DATABASE ${name}`]);
  const uri = new URL(PG_SERVER);
  uri.pathname = `/${name}`;
  return uri.toString();
}

async function startServer(...flags) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialbook-compat-'));
  const db = PG_SERVER ? pgDatabase() : path.join(dir, 'dialbook.db');
  const logPath = path.join(dir, 'dialbookd.log');
  const log = fs.openSync(logPath, 'w');
  const proc = spawn(BINARY, ['--listen', '127.0.0.1:0', '--db', db, ...flags],
    { stdio: ['ignore', log, log] });
  const deadline = Date.now() + 20000;
  let port;
  while (!port) {
    if (Date.now() > deadline) throw new Error('dialbookd did not start: ' + fs.readFileSync(logPath, 'utf8'));
    const m = /event=listening .*port=(\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
    if (m) port = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const server = {
    port, db, dir, proc,
    base: `http://127.0.0.1:${port}`,
    client(grant = 'outbound', org) {
      const out = execFileSync(BINARY, ['client', 'add', '--db', db, '--org',
        org || 'org-' + Math.random().toString(16).slice(2), '--name', 'sdk', '--grant', grant]);
      return JSON.parse(out);
    },
    log() { return fs.readFileSync(logPath, 'utf8'); },
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      fs.closeSync(log);
      const text = fs.readFileSync(logPath, 'utf8');
      if (/Sanitizer|runtime error:/.test(text)) throw new Error('sanitizer report:\n' + text);
      if (proc.exitCode !== 0) throw new Error(`dialbookd exited ${proc.exitCode}:\n${text}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

// A fresh SDK module instance per call, so each client has its own token.
function sdkFor(server) {
  for (const key of Object.keys(require.cache))
    if (key.includes('purecloud-platform-client-v2')) delete require.cache[key];
  const platformClient = require('purecloud-platform-client-v2');
  const client = platformClient.ApiClient.instance;
  client.config.live_reload_config = false;
  client.setGateway({ host: '127.0.0.1', port: server.port, protocol: 'http' });
  return { platformClient, client, outbound: new platformClient.OutboundApi() };
}

async function login(server, grant) {
  const c = server.client(grant);
  const sdk = sdkFor(server);
  await sdk.client.loginClientCredentialsGrant(c.client_id, c.client_secret);
  return sdk;
}

module.exports = { startServer, sdkFor, login, BINARY, ROOT, PG_SERVER };
