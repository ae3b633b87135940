// The official SDK against the control API's faults (docs/control-api.md):
// a 429 injected in the middle of a bulk add, seen by the SDK with its
// Retry-After, and a retry that goes through; the journal shows both.
// purecloud-platform-client-v2 has no retry of its own: this is the loop a
// script written with it needs, honouring the server's Retry-After.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const SwaggerParser = require('@apidevtools/swagger-parser');
const { startServer, login } = require('./harness');

function controlToken(server) {
  const m = /event=control_api token=([0-9a-f]{64})/.exec(server.log());
  assert.ok(m, 'no event=control_api line in the log');
  return m[1];
}

async function control(server, method, path, body) {
  const res = await fetch(`${server.base}/_dialbook${path}`, {
    method,
    headers: { Authorization: `Bearer ${controlToken(server)}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

// Calls fn; on a 429 waits Retry-After seconds and calls it again, up to
// `tries` times. Returns the answer and how many 429s it met.
async function withRetry(fn, tries = 5) {
  for (let met = 0; ; met++) {
    try {
      return { answer: await fn(), met };
    } catch (e) {
      if (e.status !== 429 || met + 1 >= tries) throw e;
      const wait = Number(e.headers['retry-after']);
      assert.ok(Number.isInteger(wait) && wait >= 0, `Retry-After ${e.headers['retry-after']}`);
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
}

describe('official SDK through injected faults', () => {
  let server, sdk;
  before(async () => {
    server = await startServer('--control-api', '--rate-limit', '0');
    sdk = await login(server);
    sdk.client.setReturnExtendedResponses(true);
  });
  after(async () => server.stop());

  test('a 429 in the middle of a bulk add: the SDK sees it, the retry goes through', async () => {
    const outbound = sdk.outbound;
    const list = (await outbound.postOutboundContactlists({
      name: 'retry', columnDefinitions: [{ name: 'id' }, { name: 'phone', type: 'phone' }],
    })).body;
    const rule = await control(server, 'POST', '/faults', {
      preset: '429', method: 'POST', path: '/api/v2/outbound/contactlists/*/contacts', times: 1,
    });
    assert.strictEqual(rule.status, 201, JSON.stringify(rule.body));
    const batch = (from) => [0, 1, 2].map((i) => ({
      id: `c${from + i}`, contactListId: list.id, data: { id: `${from + i}`, phone: '+15551234567' },
    }));
    // The first batch meets the 429; the second goes straight through.
    const first = await withRetry(() => outbound.postOutboundContactlistContacts(list.id, batch(0)));
    assert.strictEqual(first.met, 1);
    assert.strictEqual(first.answer.status, 200);
    assert.strictEqual(first.answer.body.length, 3);
    const second = await withRetry(() => outbound.postOutboundContactlistContacts(list.id, batch(3)));
    assert.strictEqual(second.met, 0);
    const size = (await outbound.getOutboundContactlist(list.id, { includeSize: true })).body.size;
    assert.strictEqual(size, 6);
    const journal = await control(server, 'GET',
      `/journal?method=POST&pathPrefix=/api/v2/outbound/contactlists/${list.id}/contacts`);
    const seen = journal.body.entities.map((e) => [e.status, e.faultId]);
    assert.deepStrictEqual(seen, [[429, rule.body.id], [200, null], [200, null]]);
    const rules = await control(server, 'GET', '/faults');
    assert.strictEqual(rules.body.entities[0].fired, 1);
    assert.strictEqual(rules.body.entities[0].spent, true);
  });

  test('the SDK rejects with the injected ErrorBody', async () => {
    await control(server, 'POST', '/faults', { preset: '503', path: '/api/v2/outbound/contactlists', times: 1 });
    try {
      await sdk.outbound.getOutboundContactlists();
      assert.fail('expected a 503');
    } catch (e) {
      assert.strictEqual(e.status, 503);
      assert.strictEqual(e.body.code, 'service.unavailable');
      assert.strictEqual(e.body.contextId, e.headers['inin-correlation-id']);
      assert.strictEqual(e.headers['retry-after'], '1');
    }
    const ok = await sdk.outbound.getOutboundContactlists();
    assert.strictEqual(ok.status, 200);
  });

  test('the document with the control API is valid OpenAPI 3.0', async () => {
    const doc = await (await fetch(`${server.base}/api/v2/docs/openapi.json`)).json();
    const api = await SwaggerParser.validate(structuredClone(doc));
    const rule = api.paths['/_dialbook/faults'].post;
    assert.deepStrictEqual(rule.tags, ['dialbook control']);
    assert.deepStrictEqual(rule.security, [{ dialbookControl: [] }]);
    assert.ok(api.components.schemas.FaultRule.properties.latencyMs);
    assert.strictEqual(api.components.securitySchemes.dialbookControl.scheme, 'bearer');
  });

  test("a client's tokens expired now: the SDK's next call is refused 401", async () => {
    const clients = await control(server, 'GET', '/journal?pathPrefix=/api/v2');
    const clientId = clients.body.entities.find((e) => e.clientId).clientId;
    const r = await control(server, 'POST', `/clients/${clientId}/expire-tokens`);
    assert.strictEqual(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.expiredTokens >= 1);
    await assert.rejects(sdk.outbound.getOutboundContactlists(), (e) => e.status === 401);
  });
});
