// Contact list filters through the official SDK's own methods, under both
// status-code profiles: the preview of a filter not yet saved
// (postOutboundContactlistfiltersPreview), and its refusals rejecting the
// SDK's promise with the ErrorBody.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const { startServer, login } = require('./harness');

for (const profile of ['rest', 'genesys']) {
  describe(`contact list filters through the SDK, --profile ${profile}`, () => {
    let server, outbound;
    before(async () => {
      server = await startServer('--profile', profile, '--rate-limit', '0');
      outbound = (await login(server)).outbound;
    });
    after(async () => server.stop());

    test('filters: preview counts and shows what a filter selects; a bad predicate is 400 naming it', async () => {
      const l = await outbound.postOutboundContactlists({
        name: 'filtered', columnDefinitions: [{ name: 'first' }, { name: 'age', type: 'numeric' }],
      });
      await outbound.postOutboundContactlistContacts(l.id, [
        { id: 'a', contactListId: l.id, data: { first: 'Ann', age: '30' } },
        { id: 'b', contactListId: l.id, data: { first: 'Bob', age: '9' } },
      ]);
      const filter = {
        name: 'adults', contactList: { id: l.id }, filterType: 'AND',
        clauses: [{ filterType: 'AND', predicates: [{ column: 'age', columnType: 'numeric', operator: 'GREATER_THAN', value: '18' }] }],
      };
      const out = await outbound.postOutboundContactlistfiltersPreview(filter);
      assert.strictEqual(out.filteredContacts, 1);
      assert.strictEqual(out.totalContacts, 2);
      assert.deepStrictEqual(out.preview.map((c) => c.id), ['a']);
      filter.clauses[0].predicates[0].column = 'height';
      try {
        await outbound.postOutboundContactlistfiltersPreview(filter);
        assert.fail('expected 400');
      } catch (e) {
        const body = e.body || e;
        assert.strictEqual(body.status, 400, JSON.stringify(body));
        assert.strictEqual(body.code, 'invalid.value');
        assert.deepStrictEqual(body.details.map((d) => d.fieldName), ['clauses[0].predicates[0].column']);
        assert.match(body.message, /height/);
      }
    });

    test('filters: create, get, list, update, bulk retrieve, search by contactListFilterId, delete', async () => {
      const l = await outbound.postOutboundContactlists({
        name: 'saved', columnDefinitions: [{ name: 'first' }, { name: 'age', type: 'numeric' }],
      });
      await outbound.postOutboundContactlistContacts(l.id, [
        { id: 'a', contactListId: l.id, data: { first: 'Ann', age: '30' } },
        { id: 'b', contactListId: l.id, data: { first: 'Bob', age: '9' } },
      ]);
      const f = await outbound.postOutboundContactlistfilters({
        name: 'adults', contactList: { id: l.id },
        clauses: [{ predicates: [{ column: 'age', operator: 'GREATER_THAN', value: '18' }] }],
      });
      assert.strictEqual(f.version, 1);
      assert.strictEqual(f.contactList.id, l.id);
      assert.deepStrictEqual(await outbound.getOutboundContactlistfilter(f.id), f);
      const page = await outbound.getOutboundContactlistfilters({ contactListId: l.id });
      assert.deepStrictEqual(page.entities, [f]);
      const found = await outbound.postOutboundContactlistContactsSearch(l.id, { pageNumber: 1, pageSize: 25, contactListFilterId: f.id });
      assert.deepStrictEqual(found.entities.map((c) => c.id), ['a']);
      f.clauses[0].predicates[0].value = '5';
      const updated = await outbound.putOutboundContactlistfilter(f.id, f);
      assert.strictEqual(updated.version, 2);
      const all = await outbound.postOutboundContactlistContactsSearch(l.id, { pageNumber: 1, pageSize: 25, contactListFilterId: f.id });
      assert.strictEqual(all.total, 2);
      const got = await outbound.postOutboundContactlistfiltersBulkRetrieve({ ids: [f.id, 'nope'] });
      assert.deepStrictEqual(got.entities.map((e) => e.id), [f.id]);
      try {
        await outbound.postOutboundContactlistfilters({ name: 'bad', contactList: { id: l.id },
          clauses: [{ predicates: [{ column: 'age', operator: 'NEAR', value: '1' }] }] });
        assert.fail('expected 400');
      } catch (e) {
        const body = e.body || e;
        assert.strictEqual(body.status, 400, JSON.stringify(body));
        assert.deepStrictEqual(body.details.map((d) => d.fieldName), ['clauses[0].predicates[0].operator']);
      }
      await outbound.deleteOutboundContactlistfilter(f.id);
      try {
        await outbound.getOutboundContactlistfilter(f.id);
        assert.fail('expected 404');
      } catch (e) {
        assert.strictEqual((e.body || e).status, 404);
      }
    });
  });
}
