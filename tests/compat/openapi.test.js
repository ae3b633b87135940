// The OpenAPI document dialbookd serves passes an OpenAPI validator
// (@apidevtools/swagger-parser, pinned), and documents what the SDK calls.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const SwaggerParser = require('@apidevtools/swagger-parser');
const { startServer } = require('./harness');

test('GET /api/v2/docs/openapi.json is a valid OpenAPI 3.0 document', async () => {
  const server = await startServer();
  try {
    const res = await fetch(`${server.base}/api/v2/docs/openapi.json`);
    assert.strictEqual(res.status, 200);
    const doc = await res.json();
    assert.strictEqual(doc.openapi, '3.0.3');
    const api = await SwaggerParser.validate(structuredClone(doc));
    assert.ok(api.paths['/api/v2/outbound/contactlists'].post);
    const list = doc.components.schemas.ContactList;
    assert.strictEqual(list.properties.id.readOnly, true);
    assert.strictEqual(list.properties.contactListId.writeOnly, true);
    assert.deepStrictEqual(list.required, ['name']);
    assert.strictEqual(doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl,
      '/oauth/token');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    assert.ok(ops.length >= 23);
    for (const op of ops) assert.ok(op.responses['400'] || op.operationId.includes('Openapi'));
  } finally {
    await server.stop();
  }
});
