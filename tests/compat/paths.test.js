// Every contact-list path of the pinned official SDK has a row in
// docs/compatibility.md ("Contact-list paths of the pinned SDK"), and
// each row says the truth: a path listed as served is routed by dialbookd
// (it never answers "not an endpoint" 404 or 405), and one listed as not
// served yet is not. The paths come from the SDK's own OutboundApi.js, so
// a newer pinned SDK with a new path fails here until the table has it.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, ROOT } = require('./harness');

const SDK_DIR = path.dirname(require.resolve('purecloud-platform-client-v2/package.json'));
const OUTBOUND_API = path.join(SDK_DIR, 'src', 'purecloud-platform-client-v2', 'api', 'OutboundApi.js');
const COMPAT_MD = path.join(ROOT, 'docs', 'compatibility.md');

// [{method, path, fn}] of every callApi under /api/v2/outbound/contactlist…
function sdkPaths() {
  const src = fs.readFileSync(OUTBOUND_API, 'utf8');
  const re = /\n\t([A-Za-z0-9]+)\([^)]*\)\s*\{[\s\S]*?this\.apiClient\.callApi\(\s*'([^']+)',\s*'([A-Z]+)'/g;
  const out = [];
  for (let m; (m = re.exec(src));)
    if (m[2].startsWith('/api/v2/outbound/contactlist')) out.push({ method: m[3], path: m[2], fn: m[1] });
  return out;
}

// Rows of the table: | `METHOD /path` | `sdkFunction` | served / not served yet | test |
function docRows() {
  const text = fs.readFileSync(COMPAT_MD, 'utf8');
  const start = text.indexOf('## Contact-list paths of the pinned SDK');
  assert.ok(start >= 0, 'docs/compatibility.md has no section "Contact-list paths of the pinned SDK"');
  const section = text.slice(start).split(/\n## /)[0];
  const rows = new Map();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Z]+) (\/[^`]+)` \| `([A-Za-z0-9]+)` \| (served|not served yet) \| (.*) \|$/.exec(line);
    if (!m) continue;
    rows.set(`${m[1]} ${m[2]}`, { fn: m[3], served: m[4] === 'served', shownBy: m[5].trim() });
  }
  return rows;
}

// What dialbookd's router answers when it has no such endpoint.
function unrouted(status, body) {
  return status === 405 || (status === 404 && /is not an endpoint of dialbook/.test(body.message || ''));
}

test('the SDK pinned in package-lock.json is the one read', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, 'package-lock.json'), 'utf8'));
  const pinned = lock.packages['node_modules/purecloud-platform-client-v2'].version;
  const installed = JSON.parse(fs.readFileSync(path.join(SDK_DIR, 'package.json'), 'utf8')).version;
  assert.strictEqual(installed, pinned, 'run npm ci in tests/compat');
  assert.ok(sdkPaths().length >= 40, 'the parser found too few paths: has OutboundApi.js changed shape?');
});

test('every contact-list path of the SDK has a row, and every row is a path of the SDK', () => {
  const rows = docRows();
  const missing = sdkPaths().filter((p) => !rows.has(`${p.method} ${p.path}`))
    .map((p) => `${p.method} ${p.path} (${p.fn})`);
  assert.deepStrictEqual(missing, [], 'docs/compatibility.md lacks rows for these SDK paths');
  const known = new Set(sdkPaths().map((p) => `${p.method} ${p.path}`));
  assert.deepStrictEqual([...rows.keys()].filter((k) => !known.has(k)), [],
    'rows naming paths the pinned SDK does not have');
  for (const p of sdkPaths())
    assert.strictEqual(rows.get(`${p.method} ${p.path}`).fn, p.fn, `${p.method} ${p.path}: SDK function`);
  for (const [k, r] of rows)
    if (r.served) assert.match(r.shownBy, /\S/, `${k} is served but names no test`);
});

describe('rows agree with dialbookd', () => {
  let server, token;
  before(async () => {
    server = await startServer('--rate-limit', '0');
    const c = server.client('outbound');
    const res = await fetch(`${server.base}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = (await res.json()).access_token;
  });
  after(async () => { await server.stop(); });

  test('a path listed as served is routed; one listed as not served yet is not', async () => {
    const rows = docRows();
    const wrong = [];
    for (const p of sdkPaths()) {
      const row = rows.get(`${p.method} ${p.path}`);
      if (!row) continue; // the test above names it
      // Made-up ids: a routed path answers its own 404 (the resource), or 400.
      const url = server.base + p.path.replace(/\{[A-Za-z]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await fetch(url, {
        method: p.method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: p.method === 'POST' || p.method === 'PUT' ? '{}' : undefined,
      });
      const text = await res.text();
      let body = {};
      try { body = JSON.parse(text); } catch { /* a CSV or an empty answer */ }
      const routed = !unrouted(res.status, body);
      if (routed !== row.served)
        wrong.push(`${p.method} ${p.path}: listed as ${row.served ? 'served' : 'not served yet'}, dialbookd answers ${res.status} ${body.message || ''}`);
    }
    assert.deepStrictEqual(wrong, []);
  });
});
