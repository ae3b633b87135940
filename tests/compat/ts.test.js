// TypeScript users of the official SDK (issue 15): the question's service,
// in tests/compat/ts/, compiled by tsc --strict against the pinned SDK's own
// typings, with the SDK's model alone and with types/dialbook.d.ts, then run
// by Node against dialbookd in both status profiles. Files in ts/mistakes/
// must fail to compile with the errors their `// tsc:` comments name, and
// docs/typescript.md must show the compiled files as they are.
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, ROOT } = require('./harness');

const TS = path.join(__dirname, 'ts');
const TSC = path.join(__dirname, 'node_modules', '.bin', 'tsc');
const TYPES = path.join(ROOT, 'types', 'dialbook.d.ts');
const DOC = path.join(ROOT, 'docs', 'typescript.md');

// Under out/, so that the compiled code finds node_modules; one directory per
// run, as several builds' tests may run at once.
fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
const WORK = fs.mkdtempSync(path.join(__dirname, 'out', 'ts-'));
after(() => fs.rmSync(WORK, { recursive: true, force: true }));

const mistakes = (dir) => fs.readdirSync(path.join(TS, 'mistakes', dir)).sort()
  .map((f) => path.join('mistakes', dir, f));

// Each program gets a tsconfig extending ts/tsconfig.base.json (or its own
// base). An augmented one gets a copy of types/dialbook.d.ts beside it, as
// users copy it into their project: the augmentation resolves the SDK from
// where it lives. skipLibCheck is off where the copy is compiled for use, so
// the file itself is checked (with the SDK's typings) under --strict.
const PROGRAMS = {
  cloud: { files: ['connect.ts', 'own-id.ts', 'cloud/contact-list.service.ts', 'cloud/untyped-status.ts'] },
  dialbook: { augmented: true, options: { skipLibCheck: false },
    files: ['connect.ts', 'own-id.ts', 'dialbook/contact-list.service.ts'] },
  // With types/dialbook.d.ts where it is, outside this project: it cannot
  // resolve the SDK from there, so tsc ignores the augmentation, silently.
  mistakesCloud: { inPlace: true, files: mistakes('cloud'), options: { noEmit: true } },
  mistakesDialbook: { augmented: true, files: mistakes('dialbook'), options: { noEmit: true } },
  // The compiler options an Angular CLI project starts with (bundler
  // resolution through module "preserve", isolatedModules), checked only:
  // a bundler, not Node, would run the output.
  angular: { base: 'tsconfig.angular.json', augmented: true, options: { noEmit: true },
    files: ['connect.ts', 'own-id.ts', 'dialbook/contact-list.service.ts'] },
};

function tsc(name) {
  const program = PROGRAMS[name];
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir);
  const files = program.files.map((f) => path.join(TS, f));
  if (program.augmented) {
    fs.copyFileSync(TYPES, path.join(dir, 'dialbook.d.ts'));
    files.unshift(path.join(dir, 'dialbook.d.ts'));
  }
  if (program.inPlace) files.unshift(TYPES);
  const config = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(config, JSON.stringify({
    extends: path.join(TS, program.base || 'tsconfig.base.json'),
    compilerOptions: { outDir: path.join(dir, 'js'), rootDir: TS, ...program.options },
    files,
  }));
  return new Promise((resolve) => {
    execFile(TSC, ['--strict', '--pretty', '-p', config], { cwd: __dirname },
      (err, stdout, stderr) => resolve({
        code: err ? err.code : 0,
        output: (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, ''),
        js: (f) => require(path.join(dir, 'js', f)),
      }));
  });
}

// tsc's pretty output: "file:line:col - error TSnnnn: text", then the source
// and related information ("The expected type comes from property ...").
function diagnostics(output) {
  const found = [];
  for (const line of output.split('\n')) {
    const m = /^(\S.*?):(\d+):(\d+) - error (TS\d+): /.exec(line);
    if (m) found.push({ file: path.resolve(__dirname, m[1]), line: Number(m[2]), code: m[4], text: line });
    else if (found.length) found[found.length - 1].text += '\n' + line;
  }
  return found;
}

// `// tsc: TSnnnn words` applies to the next line that is not such a comment.
function expectations(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const want = [];
  let pending = [];
  lines.forEach((line, i) => {
    const m = /^\s*\/\/ tsc: (TS\d+) (.+)$/.exec(line);
    if (m) pending.push({ code: m[1], words: m[2] });
    else {
      for (const p of pending) want.push({ file, line: i + 1, ...p });
      pending = [];
    }
  });
  return want;
}

function assertFailsAsMarked(result, name) {
  assert.notStrictEqual(result.code, 0, 'tsc accepted what it must refuse:\n' + result.output);
  const got = diagnostics(result.output);
  const want = PROGRAMS[name].files.flatMap((f) => expectations(path.join(TS, f)));
  for (const f of PROGRAMS[name].files)
    assert.ok(want.some((w) => w.file === path.join(TS, f)), `${f} names no error it must give`);
  for (const w of want) {
    const hit = got.find((d) => d.file === w.file && d.line === w.line && d.code === w.code);
    assert.ok(hit, `no ${w.code} at ${path.relative(TS, w.file)}:${w.line}; tsc said:\n${result.output}`);
    assert.ok(hit.text.includes(w.words), `${w.code} at ${path.relative(TS, w.file)}:${w.line} lacks "${w.words}":\n${hit.text}`);
  }
  for (const d of got)
    assert.ok(want.some((w) => w.file === d.file && w.line === d.line && w.code === d.code),
      'an error no `// tsc:` comment names:\n' + d.text);
}

const js = {};

test('tsc --strict compiles the service with the SDK\'s model alone', async () => {
  const r = await tsc('cloud');
  assert.strictEqual(r.code, 0, r.output);
  js.cloud = {
    connect: r.js('connect.js').connectToDialbook,
    useToken: r.js('connect.js').useDialbookToken,
    ownId: r.js('own-id.js').createWithOwnId,
    Service: r.js('cloud/contact-list.service.js').ContactListService,
    untypedStatus: r.js('cloud/untyped-status.js').createWithStatus,
  };
});

test('tsc --strict compiles the service with types/dialbook.d.ts, checking the file itself', async () => {
  const r = await tsc('dialbook');
  assert.strictEqual(r.code, 0, r.output);
  js.dialbook = {
    connect: r.js('connect.js').connectToDialbook,
    ownId: r.js('own-id.js').createWithOwnId,
    Service: r.js('dialbook/contact-list.service.js').ContactListService,
  };
});

test('tsc --strict compiles the service with types/dialbook.d.ts under an Angular project\'s options', async () => {
  const r = await tsc('angular');
  assert.strictEqual(r.code, 0, r.output);
});

test('without the augmentation: tsc refuses status, description, contactListId and OutboundApi.ContactList', async () => {
  assertFailsAsMarked(await tsc('mistakesCloud'), 'mistakesCloud');
});

test('with the augmentation: a wrong status or column type, or columnDefinitions alone, fails to compile naming the property', async () => {
  const r = await tsc('mistakesDialbook');
  assertFailsAsMarked(r, 'mistakesDialbook');
  assert.match(r.output, /property 'status' which is declared here on type 'ContactList'/);
});

test('docs/typescript.md shows the compiled files as they are, and no other code', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const compiled = new Set(Object.values(PROGRAMS).flatMap((p) => p.files.map((f) => path.join(TS, f))));
  compiled.add(TYPES).add(path.join(TS, 'tsconfig.base.json')).add(path.join(TS, 'tsconfig.angular.json'));
  const shown = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = fence.exec(doc))) {
    const before = doc.slice(0, m.index).trimEnd().split('\n').pop();
    const named = /^<!-- file: (\S+) -->$/.exec(before);
    assert.ok(named, `a snippet of docs/typescript.md names no file it shows:\n${m[2]}`);
    const file = path.join(ROOT, named[1]);
    assert.ok(compiled.has(file), `${named[1]} is shown but not compiled by this test`);
    assert.strictEqual(m[2], fs.readFileSync(file, 'utf8'), `docs/typescript.md shows ${named[1]} differently`);
    shown.push(named[1]);
  }
  for (const f of ['types/dialbook.d.ts', 'tests/compat/ts/connect.ts',
    'tests/compat/ts/cloud/contact-list.service.ts', 'tests/compat/ts/dialbook/contact-list.service.ts'])
    assert.ok(shown.includes(f), `docs/typescript.md does not show ${f}`);
});

// The SDK rejects with the parsed ErrorBody.
async function refused(promise) {
  try {
    await promise;
  } catch (e) {
    return e.body || e;
  }
  assert.fail('the server accepted it');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const profile of ['rest', 'genesys']) {
  describe(`the compiled service against dialbookd --profile ${profile}`, () => {
    let server, cloudApi, dialbookApi;
    before(async () => {
      assert.ok(js.cloud && js.dialbook, 'the service did not compile');
      server = await startServer('--profile', profile, '--rate-limit', '0');
      const c = server.client();
      cloudApi = await js.cloud.connect('127.0.0.1', server.port, c.client_id, c.client_secret);
      dialbookApi = await js.dialbook.connect('127.0.0.1', server.port, c.client_id, c.client_secret);
    });
    after(async () => server && server.stop());

    test('the SDK\'s model alone: created, with the id the server made', async () => {
      const service = new js.cloud.Service(cloudApi);
      const created = await service.createContactList('spring campaign', ['id', 'First', 'Cell'], ['Cell']);
      assert.match(created.id, UUID);
      assert.strictEqual(created.version, 1);
      assert.deepStrictEqual(created.columnNames, ['id', 'First', 'Cell']);
      assert.deepStrictEqual(created.phoneColumns, [{ columnName: 'Cell', type: 'cell' }]);
      assert.strictEqual(created.status, 'ACTIVE');
      const read = await cloudApi.getOutboundContactlist(created.id);
      assert.strictEqual(read.name, 'spring campaign');
    });

    test('with the augmentation: status and both column views, agreeing', async () => {
      const service = new js.dialbook.Service(dialbookApi);
      const created = await service.createContactList('autumn campaign', 'INACTIVE', [
        { name: 'id' }, { name: 'phone', type: 'phone', required: true }, { name: 'email', type: 'email' }]);
      assert.match(created.id, UUID);
      assert.strictEqual(created.status, 'INACTIVE');
      assert.deepStrictEqual(created.columnNames, ['id', 'phone', 'email']);
      assert.deepStrictEqual(created.columnDefinitions, [
        { name: 'id', type: 'text', required: false },
        { name: 'phone', type: 'phone', required: true },
        { name: 'email', type: 'email', required: false }]);
      assert.deepStrictEqual(created.phoneColumns, [{ columnName: 'phone', type: 'cell' }]);
      assert.deepStrictEqual(created.emailColumns, [{ columnName: 'email', type: 'work' }]);
      const read = await dialbookApi.getOutboundContactlist(created.id);
      assert.strictEqual(read.status, 'INACTIVE');
      const active = await service.createContactList('winter campaign', 'ACTIVE', [{ name: 'phone', type: 'phone' }]);
      assert.strictEqual(active.status, 'ACTIVE');
    });

    test('a token obtained elsewhere, as in a browser', async () => {
      const c = server.client();
      const answer = await fetch(`${server.base}/oauth/token`, { method: 'POST',
        headers: { Authorization: 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64'),
          'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials' });
      assert.strictEqual(answer.status, 200);
      const api = js.cloud.useToken('127.0.0.1', server.port, (await answer.json()).access_token);
      const created = await new js.cloud.Service(api).createContactList('by token', ['Cell'], ['Cell']);
      assert.match(created.id, UUID);
      // Another organization's client: the lists made above are not its own.
      // (Every OutboundApi shares the SDK's one ApiClient, so the tests
      // after this one run with this token.)
      const listed = await api.getOutboundContactlists({ name: 'spring campaign', filterType: 'Equals' });
      assert.strictEqual(listed.total, 0);
    });

    test('views that disagree are refused, naming columnDefinitions', async () => {
      const body = await refused(dialbookApi.postOutboundContactlists({ name: 'disagreeing',
        columnNames: ['phone', 'id'], columnDefinitions: [{ name: 'id' }, { name: 'phone', type: 'phone' }] }));
      assert.strictEqual(body.status, 400, JSON.stringify(body));
      assert.strictEqual(body.code, 'invalid.value');
      assert.deepStrictEqual(body.details, [{ errorCode: 'INVALID_VALUE', fieldName: 'columnDefinitions' }]);
    });

    test('contactListId through a cast is refused with INVALID_VALUE naming it, in both forms', async () => {
      for (const [form, api] of [['cloud', cloudApi], ['dialbook', dialbookApi]]) {
        const body = await refused(js[form].ownId(api, `own id ${form}`, 'my-list-id'));
        assert.strictEqual(body.status, 400, JSON.stringify(body));
        assert.strictEqual(body.code, 'invalid.value');
        assert.deepStrictEqual(body.details, [{ errorCode: 'INVALID_VALUE', fieldName: 'contactListId' }]);
        assert.match(body.message, /contactListId is assigned by the server/);
        const listed = await api.getOutboundContactlists({ name: `own id ${form}`, filterType: 'Equals' });
        assert.strictEqual(listed.total, 0);
      }
    });

    test('the right column of the table in docs/typescript.md: description refused, columnDefinitions alone taken', async () => {
      const body = await refused(cloudApi.postOutboundContactlists(
        { name: 'described', description: 'Leads for the spring campaign', columnNames: ['phone'] }));
      assert.strictEqual(body.status, 400, JSON.stringify(body));
      assert.strictEqual(body.code, 'invalid.property');
      assert.deepStrictEqual(body.details.map((d) => d.fieldName), ['description']);
      const alone = await dialbookApi.postOutboundContactlists({ name: 'definitions alone', columnDefinitions: [{ name: 'phone' }] });
      assert.deepStrictEqual(alone.columnNames, ['phone']);
    });

    test('a wrong status without the augmentation reaches the server: 400 naming the allowed values', async () => {
      const body = await refused(js.cloud.untypedStatus(cloudApi, 'paused calls', 'PAUSED'));
      assert.strictEqual(body.status, 400, JSON.stringify(body));
      assert.strictEqual(body.code, 'invalid.value');
      assert.deepStrictEqual(body.details, [{ errorCode: 'INVALID_VALUE', fieldName: 'status' }]);
      assert.strictEqual(body.message,
        'Value [PAUSED] is not valid for field type [status]. Allowable values are: ACTIVE, INACTIVE');
      const ok = await js.cloud.untypedStatus(cloudApi, 'paused calls', 'INACTIVE');
      assert.strictEqual(ok.status, 'INACTIVE');
    });
  });
}
