// Three dialbookd on one PostgreSQL behind haproxy (scripts/cluster), driven
// through the balancer by the official Genesys Cloud SDK. One server is
// killed with SIGKILL during an import: the others report the import
// INTERRUPTED once its lease expires, every contact the SDK was answered for
// is there, and the balancer keeps answering meanwhile.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { sdkFor, BINARY, ROOT } = require('../compat/harness');

const LEASE_S = 3;
// Servers close a kept-alive connection idle this long; the test idles
// longer once, so the balancer must not reuse such a connection.
const HEADER_TIMEOUT_S = 2;
const ROWS = 1500000; // long enough to be running when the kill comes

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function readEnv(file) {
  const out = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

async function waitFor(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a cluster survives a server killed during an import', { timeout: 300000 }, async (t) => {
  const port = await freePort();
  const line = execFileSync(path.join(ROOT, 'scripts', 'cluster'), ['start', '--servers', '3',
    '--port', String(port), '--', '--job-lease', `${LEASE_S}s`, '--rate-limit', '0',
    '--header-timeout', String(HEADER_TIMEOUT_S),
    '--max-contacts-per-list', String(2 * ROWS)],
  { env: { ...process.env, DIALBOOKD: BINARY }, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const { DIR } = Object.fromEntries(line.trim().split(' ').map((kv) => kv.split(/=(.*)/s, 2)));
  let passed = false;
  t.after(() => {
    const logs = fs.readdirSync(DIR).filter((f) => f.endsWith('.log')).map((f) =>
      `--- ${f}\n${fs.readFileSync(path.join(DIR, f), 'utf8')}`).join('\n');
    execFileSync(path.join(ROOT, 'scripts', 'cluster'), ['stop', DIR]);
    // What the servers and the balancer said, when it went wrong.
    if (!passed) console.error(logs.split('\n').filter((l) =>
      /^---|level=(warn|error)|HTTP\/1.1"$|Sanitizer|runtime error/.test(l)).slice(-200).join('\n'));
    assert.doesNotMatch(logs, /Sanitizer|runtime error:/);
  });
  const env = readEnv(path.join(DIR, 'dev-client.env'));
  assert.strictEqual(env.DIALBOOK_BASE_URL, `http://127.0.0.1:${port}`);

  // The SDK talks to the balancer only.
  const sdk = sdkFor({ port });
  await sdk.client.loginClientCredentialsGrant(env.DIALBOOK_CLIENT_ID, env.DIALBOOK_CLIENT_SECRET);
  const { outbound } = sdk;
  const list = await outbound.postOutboundContactlists({
    name: 'through the balancer', columnDefinitions: [{ name: 'id' }, { name: 'phone', type: 'phone' }],
  });
  const acknowledged = [];
  for (let b = 0; b < 4; b++) {
    const batch = Array.from({ length: 250 }, (_, i) => ({
      id: `sdk-${b}-${i}`, contactListId: list.id, data: { id: `sdk-${b}-${i}`, phone: '+15551234567' },
    }));
    const added = await outbound.postOutboundContactlistContacts(list.id, batch);
    assert.strictEqual(added.length, batch.length);
    acknowledged.push(...batch.map((c) => c.id));
  }

  // Idle past the servers' header timeout: their connections close.
  await new Promise((r) => setTimeout(r, (HEADER_TIMEOUT_S + 1) * 1000));
  const csv = 'id,phone\n' + Array.from({ length: ROWS }, (_, i) => `row-${i},5551234567`).join('\n') + '\n';
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
  form.append('id', list.id);
  form.append('fileType', 'contactlist');
  form.append('contact-id-name', 'id');
  const up = await fetch(`${env.DIALBOOK_BASE_URL}/uploads/v2/contactlist`, {
    method: 'POST', body: form, headers: { Authorization: `Bearer ${sdk.client.authData.accessToken}` },
  });
  assert.strictEqual(up.status, 200, await up.text());

  // The server that claimed the import, once it has committed rows.
  const running = await waitFor(async () => {
    const s = await outbound.getOutboundContactlistImportstatus(list.id);
    return s.completedRecords > 0 ? s : null;
  }, 60000, 'the import to commit rows');
  assert.strictEqual(running.state, 'IN_PROGRESS');
  const holder = [1, 2, 3].find((i) => new RegExp(`event=job_claimed kind=import id=${running.importId}`)
    .test(fs.readFileSync(path.join(DIR, `dialbookd-${i}.log`), 'utf8')));
  assert.ok(holder, `no server logged claiming import ${running.importId}`);

  // Requests keep flowing through the balancer while the server dies; a
  // request caught in flight on it at the kill may fail (counted).
  let ok = 0; let afterKill = 0; let killed = false; let stop = false;
  const failures = [];
  const counted = async (fn) => {
    try {
      const v = await fn();
      ok++;
      if (killed) afterKill++;
      return v;
    } catch (e) {
      failures.push(e.message || String(e));
      return null;
    }
  };
  const traffic = (async () => {
    while (!stop) {
      await counted(() => outbound.getOutboundContactlist(list.id));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let ended, tookS;
  try {
    await new Promise((r) => setTimeout(r, 300));
    process.kill(Number(fs.readFileSync(path.join(DIR, `dialbookd-${holder}.pid`), 'utf8')), 'SIGKILL');
    killed = true;
    const killedAt = Date.now();
    ended = await waitFor(async () => {
      const s = await counted(() => outbound.getOutboundContactlistImportstatus(list.id));
      return s && s.state === 'FAILED' ? s : null;
    }, 60000, 'the import to be reported INTERRUPTED');
    tookS = (Date.now() - killedAt) / 1000;
  } finally {
    stop = true;
    await traffic;
  }
  assert.strictEqual(ended.failureReason, 'INTERRUPTED');
  assert.ok(tookS >= LEASE_S - 1, `ended ${tookS}s after the kill, before the lease could expire`);
  assert.ok(ended.completedRecords > 0 && ended.completedRecords < ROWS, JSON.stringify(ended));

  // Everything acknowledged is there: the SDK's contacts, and the rows the
  // import committed before the kill (no more, no fewer).
  for (const id of [acknowledged[0], acknowledged[499], acknowledged[999]]) {
    const c = await outbound.getOutboundContactlistContact(list.id, id);
    assert.strictEqual(c.id, id);
  }
  const sized = await outbound.getOutboundContactlist(list.id, { includeSize: true });
  assert.strictEqual(sized.size, acknowledged.length + ended.completedRecords);

  // The balancer kept answering: the dead server's connections were retried
  // on the others (at most a request caught in flight at the kill fails).
  assert.ok(afterKill >= 20, `only ${afterKill} answers after the kill`);
  assert.ok(failures.length <= 2,
    `${failures.length} failed requests through the balancer (${ok} answered): ${failures}`);
  const again = await outbound.getOutboundContactlists({ pageSize: 5 });
  assert.ok(again.entities.some((l) => l.id === list.id));
  passed = true;
});
