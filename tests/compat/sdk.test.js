// dialbookd through the official Genesys Cloud JavaScript SDK
// (purecloud-platform-client-v2, pinned in package.json): every endpoint
// dialbook serves, through the SDK's own methods, and the error paths,
// where the SDK's promise must reject with the ErrorBody. The whole suite
// runs against both status-code profiles.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const { startServer, login } = require('./harness');

const columnsCloud = {
  columnNames: ['id', 'First', 'Cell', 'Email'],
  phoneColumns: [{ columnName: 'Cell', type: 'cell' }],
  emailColumns: [{ columnName: 'Email', type: 'work' }],
};
const definitions = [{ name: 'id' }, { name: 'phone', type: 'phone', required: true },
  { name: 'email', type: 'email' }];

// The SDK rejects with the parsed ErrorBody; check its shape.
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

async function waitFor(fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const profile of ['rest', 'genesys']) {
  describe(`official SDK, --profile ${profile}`, () => {
    let server, sdk, outbound;
    before(async () => {
      server = await startServer('--profile', profile, '--rate-limit', '0');
      sdk = await login(server);
      outbound = sdk.outbound;
    });
    after(async () => server.stop());

    test('client credentials login gives a bearer token', () => {
      assert.ok(sdk.client.authData.accessToken.length >= 43);
      assert.ok(sdk.client.authData.tokenExpiryTime > Date.now());
    });

    test('create in the cloud model and in the columnDefinitions form', async () => {
      const a = await outbound.postOutboundContactlists({ name: 'cloud form', ...columnsCloud });
      assert.match(a.id, /^[0-9a-f-]{36}$/);
      assert.strictEqual(a.version, 1);
      assert.deepStrictEqual(a.phoneColumns, columnsCloud.phoneColumns);
      assert.strictEqual(a.columnDefinitions[2].type, 'phone');
      const b = await outbound.postOutboundContactlists({ name: 'definitions form', columnDefinitions: definitions });
      assert.deepStrictEqual(b.columnNames, ['id', 'phone', 'email']);
      assert.deepStrictEqual(b.phoneColumns, [{ columnName: 'phone', type: 'cell' }]);
    });

    test('a client-supplied contactListId is refused with INVALID_VALUE', async () => {
      const body = await rejectsWith(outbound.postOutboundContactlists(
        { name: 'mine', columnDefinitions: definitions, contactListId: 'my-id' }), 400, 'invalid.value');
      assert.deepStrictEqual(body.details, [{ errorCode: 'INVALID_VALUE', fieldName: 'contactListId' }]);
      assert.match(body.message, /remove it from the request body/);
    });

    test('get with includeSize and includeImportStatus', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'extras', columnDefinitions: definitions });
      const got = await outbound.getOutboundContactlist(l.id, { includeSize: true, includeImportStatus: true });
      assert.strictEqual(got.size, 0);
      assert.strictEqual(got.importStatus.percentComplete, 100);
      const plain = await outbound.getOutboundContactlist(l.id);
      assert.strictEqual(plain.size, undefined);
    });

    test('listing with filter, sort and paging', async () => {
      for (const n of ['page a', 'page b', 'page c'])
        await outbound.postOutboundContactlists({ name: n, columnNames: ['x'] });
      const first = await outbound.getOutboundContactlists(
        { name: 'page', filterType: 'Prefix', sortBy: 'name', sortOrder: 'descending', pageSize: 2 });
      assert.deepStrictEqual(first.entities.map((e) => e.name), ['page c', 'page b']);
      assert.strictEqual(first.total, 3);
      assert.strictEqual(first.pageCount, 2);
      assert.ok(first.nextUri);
      const second = await outbound.getOutboundContactlists(
        { name: 'page', sortBy: 'name', sortOrder: 'descending', pageSize: 2, pageNumber: 2 });
      assert.deepStrictEqual(second.entities.map((e) => e.name), ['page a']);
      const byId = await outbound.getOutboundContactlists({ id: [first.entities[0].id, second.entities[0].id] });
      assert.strictEqual(byId.total, 2);
    });

    test('update with version; a stale version is 409', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'versioned', columnDefinitions: definitions });
      const updated = await outbound.putOutboundContactlist(l.id, { ...l, name: 'versioned 2' });
      assert.strictEqual(updated.version, 2);
      const body = await rejectsWith(outbound.putOutboundContactlist(l.id, { ...l, name: 'stale' }), 409, 'general.conflict');
      assert.match(body.message, /does not match the current version/);
    });

    test('infrastructure-as-code: GET, modify, PUT the whole object', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'terraform', ...columnsCloud });
      const read = await outbound.getOutboundContactlist(l.id, { includeSize: true });
      read.trimWhitespace = false;
      read.previewModeColumnName = 'First';
      const out = await outbound.putOutboundContactlist(l.id, read);
      assert.strictEqual(out.trimWhitespace, false);
      assert.strictEqual(out.previewModeColumnName, 'First');
      assert.strictEqual(out.dateCreated, l.dateCreated);
      await rejectsWith(outbound.putOutboundContactlist(l.id, { ...out, columnNames: ['other'] }),
        400, 'cannot.update.column.names');
    });

    test('delete, then GET polls until 404; bulk delete', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'doomed', columnNames: ['x'] });
      await outbound.deleteOutboundContactlist(l.id);
      await waitFor(async () => {
        try { await outbound.getOutboundContactlist(l.id); return false; } catch (e) {
          assert.strictEqual((e.body || e).status, 404); return true;
        }
      });
      const a = await outbound.postOutboundContactlists({ name: 'bulk a', columnNames: ['x'] });
      const b = await outbound.postOutboundContactlists({ name: 'bulk b', columnNames: ['x'] });
      await outbound.deleteOutboundContactlists([a.id, b.id]);
      await rejectsWith(outbound.getOutboundContactlist(a.id), 404, 'not.found');
      await rejectsWith(outbound.getOutboundContactlist(b.id), 404, 'not.found');
    });

    test('division views', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'viewed', columnDefinitions: definitions });
      const views = await outbound.getOutboundContactlistsDivisionviews({ name: 'viewed' });
      assert.strictEqual(views.total, 1);
      assert.deepStrictEqual(views.entities[0].columnNames, ['id', 'phone', 'email']);
      const one = await outbound.getOutboundContactlistsDivisionview(l.id, { includeSize: true });
      assert.strictEqual(one.size, 0);
    });

    test('contacts: add, get, update, bulk get, search, delete, delete many, clear', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'people', columnDefinitions: definitions });
      const added = await outbound.postOutboundContactlistContacts(l.id, [
        { id: 'c1', contactListId: l.id, data: { id: '1', phone: '+15551234567', email: 'a@b.co' } },
        { id: 'c2', contactListId: l.id, data: { id: '2', phone: '5551234568' } },
        { contactListId: l.id, data: { id: '3', phone: '5551234569' } },
      ], { priority: true });
      assert.strictEqual(added.length, 3);
      assert.strictEqual(added[0].data.email, 'a@b.co');
      const c1 = await outbound.getOutboundContactlistContact(l.id, 'c1');
      assert.strictEqual(c1.data.phone, '+15551234567');
      const upd = await outbound.putOutboundContactlistContact(l.id, 'c1',
        { ...c1, data: { ...c1.data, email: 'new@b.co' } });
      assert.strictEqual(upd.data.email, 'new@b.co');
      const bulk = await outbound.postOutboundContactlistContactsBulk(l.id, ['c2', 'missing', 'c1']);
      assert.deepStrictEqual(bulk.map((c) => c.id), ['c2', 'c1']);
      const found = await outbound.postOutboundContactlistContactsSearch(l.id, {
        pageSize: 10,
        criteria: { clauses: [{ predicates: [{ column: 'phone', operator: 'BEGINS_WITH', value: '555' }] }] },
        contactSorts: [{ fieldName: 'id', direction: 'DESC' }],
      });
      assert.strictEqual(found.contactsCount, 2);
      assert.deepStrictEqual(found.entities.map((c) => c.data.id), ['3', '2']);
      const everything = await outbound.postOutboundContactlistContactsSearch(l.id, {});
      assert.strictEqual(everything.contactsCount, 3);
      await outbound.deleteOutboundContactlistContact(l.id, 'c1');
      await rejectsWith(outbound.getOutboundContactlistContact(l.id, 'c1'), 404, 'not.found');
      await outbound.deleteOutboundContactlistContacts(l.id, ['c2']);
      let sized = await outbound.getOutboundContactlist(l.id, { includeSize: true });
      assert.strictEqual(sized.size, 1);
      await outbound.postOutboundContactlistClear(l.id);
      sized = await outbound.getOutboundContactlist(l.id, { includeSize: true });
      assert.strictEqual(sized.size, 0);
      await rejectsWith(outbound.postOutboundContactlistContacts(l.id,
        [{ contactListId: l.id, data: { phone: 'nope' } }]), 400, 'invalid.value');
    });

    test('import (multipart upload with fetch), importstatus until done, export and download', async () => {
      const l = await outbound.postOutboundContactlists({ name: 'imported', columnDefinitions: definitions });
      const csv = 'id,phone,email\n' + Array.from({ length: 300 }, (_, i) => `${i},555123${String(i).padStart(4, '0')},u${i}@x.io`).join('\n') + '\n';
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
      form.append('id', l.id);
      form.append('fileType', 'contactlist');
      form.append('contact-id-name', 'id');
      const up = await fetch(`${server.base}/uploads/v2/contactlist`, {
        method: 'POST', body: form, headers: { Authorization: `Bearer ${sdk.client.authData.accessToken}` },
      });
      assert.strictEqual(up.status, 200);
      assert.ok((await up.json()).correlationId);
      // The way the Genesys Terraform provider waits: until there is no
      // state and percentComplete is 100.
      const status = await waitFor(async () => {
        const s = await outbound.getOutboundContactlistImportstatus(l.id);
        return s.state === undefined && s.percentComplete === 100 ? s : null;
      });
      assert.strictEqual(status.totalRecords, 300);
      await rejectsWith(outbound.getOutboundContactlistExport(l.id), 404, 'not.found');
      const ref = await outbound.postOutboundContactlistExport(l.id, { body: {} });
      assert.ok(ref.id);
      const ready = await waitFor(async () => {
        try { return await outbound.getOutboundContactlistExport(l.id, { download: 'false' }); } catch (e) { return null; }
      });
      assert.match(ready.uri, /\/api\/v2\/downloads\//);
      assert.ok(ready.exportTimestamp);
      const file = await fetch(ready.uri, { headers: { Authorization: `Bearer ${sdk.client.authData.accessToken}` } });
      const bytes = Buffer.from(await file.arrayBuffer());
      assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]); // the cloud's BOM
      const text = bytes.subarray(3).toString('utf8');
      assert.ok(text.startsWith('"inin-outbound-id","id","phone","email","ContactCallable"'));
      assert.strictEqual(text.trim().split('\n').length, 301);
    });

    test('404 for a list of another organization', async () => {
      const other = await login(server);
      const mine = await outbound.postOutboundContactlists({ name: 'private', columnNames: ['x'] });
      await rejectsWith(other.outbound.getOutboundContactlist(mine.id), 404, 'not.found');
    });

    test('403 missing.permissions for a client without the permission', async () => {
      const reader = await login(server, 'outbound:contactList:view');
      const body = await rejectsWith(reader.outbound.postOutboundContactlists(
        { name: 'nope', columnNames: ['x'] }), 403, 'missing.permissions');
      assert.match(body.message, /outbound:contactList:add/);
    });
  });
}

describe('rate limits through the SDK', () => {
  test('429 too.many.requests rejects with the ErrorBody, Retry-After is sent', async () => {
    const server = await startServer('--rate-limit', '2', '--rate-window', '30');
    try {
      const { outbound, client } = await login(server);
      client.setReturnExtendedResponses(true);
      await outbound.getOutboundContactlists();
      await outbound.getOutboundContactlists();
      try {
        await outbound.getOutboundContactlists();
        assert.fail('expected 429');
      } catch (e) {
        assert.strictEqual(e.status, 429, JSON.stringify(e).slice(0, 300));
        assert.strictEqual(e.body.code, 'too.many.requests');
        const retry = Number(e.headers['retry-after']);
        assert.ok(retry >= 1 && retry <= 30, String(retry));
      }
    } finally {
      await server.stop();
    }
  });
});
