// Contact list templates through the official SDK's own methods, under
// both status-code profiles: every /api/v2/outbound/contactlisttemplates
// path of the pinned OutboundApi.js (docs/compatibility.md names these
// tests), and the SDK's promise rejecting with the ErrorBody.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const { startServer, login } = require('./harness');

const columns = {
  columnNames: ['id', 'First', 'Cell', 'Email'],
  phoneColumns: [{ columnName: 'Cell', type: 'cell' }],
  emailColumns: [{ columnName: 'Email', type: 'work' }],
};

async function rejectsWith(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    const body = e.body || e;
    assert.strictEqual(body.status, status, JSON.stringify(body));
    assert.strictEqual(body.code, code, JSON.stringify(body));
    assert.ok(Array.isArray(body.details));
    assert.strictEqual(typeof body.messageParams, 'object');
    assert.ok(body.message && body.contextId);
    return body;
  }
  assert.fail(`expected HTTP ${status} ${code}`);
}

for (const profile of ['rest', 'genesys']) {
  describe(`contact list templates through the SDK, --profile ${profile}`, () => {
    let server, outbound;
    before(async () => {
      server = await startServer('--profile', profile, '--rate-limit', '0');
      outbound = (await login(server)).outbound;
    });
    after(async () => server.stop());

    test('templates: create, get, list, update, delete', async () => {
      const t = await outbound.postOutboundContactlisttemplates({ name: 'renewals', ...columns });
      assert.strictEqual(t.version, 1);
      assert.strictEqual(t.selfUri, `/api/v2/outbound/contactlisttemplates/${t.id}`);
      assert.deepStrictEqual(t.columnNames, columns.columnNames);
      const got = await outbound.getOutboundContactlisttemplate(t.id);
      assert.deepStrictEqual(got, t);
      const page = await outbound.getOutboundContactlisttemplates({ name: 'ren', pageSize: 10, sortOrder: 'descending' });
      assert.strictEqual(page.total, 1);
      assert.deepStrictEqual(page.entities, [t]);
      // GET, modify, PUT the whole object, as infrastructure tools do.
      got.previewModeColumnName = 'First';
      got.columnNames = [...got.columnNames, 'Zip'];
      delete got.columnDefinitions;
      const updated = await outbound.putOutboundContactlisttemplate(t.id, got);
      assert.strictEqual(updated.version, 2);
      assert.strictEqual(updated.previewModeColumnName, 'First');
      assert.deepStrictEqual(updated.columnNames, [...columns.columnNames, 'Zip']);
      const stale = await rejectsWith(outbound.putOutboundContactlisttemplate(t.id, { ...t, name: 'stale' }),
        409, 'general.conflict');
      assert.match(stale.message, /does not match the current version/);
      await outbound.deleteOutboundContactlisttemplate(t.id);
      await rejectsWith(outbound.getOutboundContactlisttemplate(t.id), 404, 'not.found');
    });

    test('templates: bulk add, bulk retrieve, bulk delete', async () => {
      const added = await outbound.postOutboundContactlisttemplatesBulkAdd([
        { name: 'bulk a', ...columns }, { name: 'bulk b', columnNames: ['x'] }]);
      assert.deepStrictEqual(added.entities.map((e) => e.name), ['bulk a', 'bulk b']);
      const [a, b] = added.entities;
      const got = await outbound.postOutboundContactlisttemplatesBulkRetrieve({ ids: [b.id, a.id] });
      assert.deepStrictEqual(got.entities, [b, a]);
      const bad = await rejectsWith(outbound.postOutboundContactlisttemplatesBulkAdd([
        { name: 'bulk c', columnNames: ['x'] }, { name: 'bulk d', columnNames: ['x'], phoneColumns: [{ columnName: 'y', type: 'cell' }] }]),
      400, 'invalid.value');
      assert.deepStrictEqual(bad.details.map((d) => d.fieldName), ['[1].phoneColumns[0].columnName']);
      await outbound.deleteOutboundContactlisttemplates([a.id, b.id]);
      const none = await outbound.postOutboundContactlisttemplatesBulkRetrieve({ ids: [a.id, b.id] });
      assert.deepStrictEqual(none.entities, []);
      assert.strictEqual((await outbound.getOutboundContactlisttemplates()).total, 0);
    });

    test('templates: a bad field is 400 naming it; another org gets 404; a missing permission 403', async () => {
      const body = await rejectsWith(outbound.postOutboundContactlisttemplates({ name: 'x', columnNames: ['a'], division: { id: 'd' } }),
        400, 'invalid.property');
      assert.deepStrictEqual(body.details.map((d) => d.fieldName), ['division']);
      const mine = await outbound.postOutboundContactlisttemplates({ name: 'private', columnNames: ['x'] });
      const other = (await login(server)).outbound;
      await rejectsWith(other.getOutboundContactlisttemplate(mine.id), 404, 'not.found');
      const reader = (await login(server, 'outbound:contactListTemplate:view')).outbound;
      const denied = await rejectsWith(reader.postOutboundContactlisttemplates({ name: 'nope', columnNames: ['x'] }),
        403, 'missing.permissions');
      assert.match(denied.message, /outbound:contactListTemplate:add/);
    });
  });
}
