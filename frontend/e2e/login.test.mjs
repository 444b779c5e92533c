// End-to-end: sign in with the login link `briefstudio serve` prints, create a
// brief, reload, sign out, and see a used link refused. Real server binary,
// real SQLite, real headless Chromium.
//
//   BRIEFSTUDIO_BIN=../build/bin/briefstudio-server node --test e2e/

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openBrowser, serverBin, shot, startServer } from './helpers.mjs';

const SESSION_KEY = 'briefstudio.session';

describe('sign-in and briefs list', { timeout: 120_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */
  let server;
  /** @type {Awaited<ReturnType<typeof openBrowser>>} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  const briefTitle = `Labour-market integration of refugees (${Date.now().toString(36)})`;

  /** Console errors so far, minus the browser's own line for an expected 401. */
  function unexpectedConsoleErrors({ allow401 = false } = {}) {
    const errs = browser.consoleErrors.splice(0);
    return errs.filter((e) => !(allow401 && /status of 401/.test(e)));
  }

  before(async () => {
    server = await startServer();
    browser = await openBrowser();
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the login link signs in and leaves the address bar', async () => {
    assert.match(server.link, /\/login\?token=/, `server printed: ${server.output()}`);
    await page.goto(server.link);
    await page.getByRole('heading', { level: 2, name: 'Briefs' }).waitFor();

    const url = new URL(page.url());
    assert.equal(url.pathname, '/');
    assert.equal(url.search, '', 'the token must be gone from the address bar');
    assert.equal(await page.title(), 'Brief Studio');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Brief Studio');
    await page.getByText('admin@localhost', { exact: false }).first().waitFor();
    await page.getByText('No briefs yet').waitFor();

    const saved = await page.evaluate((k) => localStorage.getItem(k), SESSION_KEY);
    assert.ok(saved && JSON.parse(saved).token, 'the session is kept in localStorage');
    // Nothing in history still carries the token.
    assert.equal(await page.evaluate(() => location.href.includes('token')), false);

    await shot(page, '01-signed-in');
    assert.deepEqual(unexpectedConsoleErrors(), []);
  });

  test('a brief created through the UI is listed', async () => {
    const templates = await (await fetch(`${server.base}/api/templates`, { headers: await auth() })).json();
    const tpl = templates.find((t) => t.type === 'policy-options-brief') ?? templates[0];
    assert.ok(tpl, 'the server lists templates');

    await page.getByLabel('Type').selectOption(tpl.type);
    // An empty title is refused in place.
    await page.getByRole('button', { name: 'Create brief' }).click();
    await page.getByRole('alert').filter({ hasText: 'Give the brief a title' }).waitFor();

    await page.getByLabel('Title').fill(briefTitle);
    await page.getByLabel('Title').press('Enter');
    const row = page.getByRole('row').filter({ hasText: briefTitle });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(escape(tpl.name)));
    assert.match(await row.innerText(), /Draft/);
    assert.equal(await page.getByLabel('Title').inputValue(), '', 'the title field is cleared for the next brief');
    await page.getByText('1 brief', { exact: true }).waitFor();

    // The server has it too.
    const list = await (await fetch(`${server.base}/api/briefs`, { headers: await auth() })).json();
    assert.ok(
      list.some((b) => b.title === briefTitle && b.type === tpl.type && b.status === 'draft'),
      JSON.stringify(list),
    );

    await shot(page, '02-brief-created');
    assert.deepEqual(unexpectedConsoleErrors(), []);
  });

  test('a reload keeps the session, renewing it when it ends soon', async () => {
    // Pretend the session ends tomorrow: the app renews it at start.
    const soon = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    await page.evaluate(
      ([k, exp]) => localStorage.setItem(k, JSON.stringify({ ...JSON.parse(localStorage.getItem(k)), expiresAt: exp })),
      [SESSION_KEY, soon],
    );
    await page.reload();
    await page.getByRole('row').filter({ hasText: briefTitle }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await page.waitForFunction(
      ([k, min]) => Date.parse(JSON.parse(localStorage.getItem(k) ?? '{}').expiresAt) > min,
      [SESSION_KEY, Date.now() + 20 * 24 * 3600 * 1000],
    );
    const res = await fetch(`${server.base}/api/me`, { headers: await auth() });
    assert.equal(res.status, 200, 'the renewed session works');
    await shot(page, '03-after-reload');
    assert.deepEqual(unexpectedConsoleErrors(), []);
  });

  test('a used login link while signed in: still signed in, and told why', async () => {
    await page.goto(server.link);
    await page.getByRole('row').filter({ hasText: briefTitle }).waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'You are still signed in' });
    await alert.waitFor();
    assert.equal(new URL(page.url()).search, '');
    await shot(page, '04-used-link-signed-in');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    assert.deepEqual(unexpectedConsoleErrors({ allow401: true }), []);
  });

  test('sign out ends the session here and on the server', async () => {
    const before = await auth();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), SESSION_KEY), null);
    const res = await fetch(`${server.base}/api/me`, { headers: before });
    assert.equal(res.status, 401, 'the old session no longer works');
    assert.deepEqual(unexpectedConsoleErrors(), []);
  });

  test('a used login link shows the error and stays signed out', async () => {
    await page.goto(server.link);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /used|invalid|expired/i, text);
    assert.equal(new URL(page.url()).search, '', 'the token is removed even when it fails');
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), SESSION_KEY), null);
    await shot(page, '05-used-link');

    // Pasting it gives the same answer.
    await page.getByLabel('Login link').fill(server.link);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /used|invalid|expired/i }).waitFor();
    assert.deepEqual(unexpectedConsoleErrors({ allow401: true }), []);
  });

  test('a fresh link pasted into the sign-in form signs in', async () => {
    const out = await server.run(['user', 'link', '--email', 'admin@localhost']);
    const link = out.match(/https?:\/\/\S+\/login\?token=\S+/)?.[0];
    assert.ok(link, `${serverBin} user link printed: ${out}`);
    await page.getByLabel('Login link').fill(`  ${link}  `);
    await page.getByLabel('Login link').press('Enter');
    await page.getByRole('row').filter({ hasText: briefTitle }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(unexpectedConsoleErrors(), []);
  });

  /** auth returns the Authorization header of the page's session. */
  async function auth() {
    const saved = await page.evaluate((k) => localStorage.getItem(k), SESSION_KEY);
    assert.ok(saved, 'signed in');
    return { Authorization: `Bearer ${JSON.parse(saved).token}` };
  }
});

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
