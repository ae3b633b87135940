// The API page in a real browser: Debian's Chromium, headless, driven by
// playwright-core. It opens /api/v2/docs, authorizes with client
// credentials, creates a contact list through the page and checks the
// answer; the screenshot goes to tests/compat/out/.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer } = require('./harness');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

test('the API page authorizes and creates a contact list', { timeout: 120000 }, async () => {
  const server = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dialbook-chromium-'));
  // A fresh profile; this machine has no outside network: no background traffic.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const c = server.client();
    const page = await browser.newPage();
    await page.goto(`${server.base}/api/v2/docs`);
    await page.waitForSelector('.swagger-ui .info .title');
    assert.match(await page.textContent('.swagger-ui .info .title'), /dialbook/);

    await page.click('button.authorize');
    await page.fill('input#client_id_clientCredentials', c.client_id);
    await page.fill('input#client_secret_clientCredentials', c.client_secret);
    await page.click('.modal-ux button.authorize');
    await page.waitForSelector('.modal-ux button[aria-label="Remove authorization"]');
    await page.click('.modal-ux button.btn-done');

    const op = page.locator('#operations-Contact_lists-postApiV2OutboundContactlists');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('textarea.body-param__text').fill(JSON.stringify({
      name: 'made in the browser', status: 'ACTIVE',
      columnDefinitions: [{ name: 'phone', type: 'phone', required: true }],
    }));
    await op.locator('button.execute').click();
    const code = op.locator('.live-responses-table tbody .response-col_status').first();
    await code.waitFor();
    assert.strictEqual((await code.textContent()).trim(), '201');
    const body = await op.locator('.live-responses-table .microlight').first().textContent();
    assert.match(JSON.parse(body).id, /^[0-9a-f-]{36}$/);
    fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
    await op.screenshot({ path: path.join(__dirname, 'out', 'api-page.png') });
    // The list really exists.
    const token = (await (await fetch(`${server.base}/oauth/token`, {
      method: 'POST', body: 'grant_type=client_credentials',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64') },
    })).json()).access_token;
    const lists = await (await fetch(`${server.base}/api/v2/outbound/contactlists`,
      { headers: { Authorization: `Bearer ${token}` } })).json();
    assert.deepStrictEqual(lists.entities.map((l) => l.name), ['made in the browser']);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await server.stop();
  }
});

test('page files: names only, unknown ones are 404', async () => {
  const server = await startServer();
  try {
    assert.strictEqual((await fetch(`${server.base}/api/v2/docs/swagger-ui.css`)).status, 200);
    for (const bad of ['..%2Fdialbookd', '.hidden.js', 'nope.js', 'index.exe'])
      assert.strictEqual((await fetch(`${server.base}/api/v2/docs/${bad}`)).status, 404, bad);
  } finally {
    await server.stop();
  }
});
