// End-to-end: an admin edits the brand profile (project, colours, funder,
// series texts), with checks as they type; uploads a logo, has a damaged one
// refused by the server; text stays text; an author gets no editor.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { addUser, adminApi, openBrowser, shot, shotsDir, signIn, startServer, takeConsoleErrors } from './helpers.mjs';

// The browser logs the server's refusals (the damaged logo, a refused save: 400) as failed resources.
const REFUSED_LOGO = [/Failed to load resource: the server responded with a status of 400/];

/** png builds a small valid RGBA PNG: a w×h block of the colour, with a lighter band. */
function png(w, h, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 4);
    for (let x = 0; x < w; x++) {
      const band = y > h / 3 && y < (2 * h) / 3;
      row.set(band ? [255, 255, 255, 255] : [r, g, b, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** withTimeout fails a step that hangs rather than letting the whole run wait. */
async function until(what, fn, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the brand profile editor', { timeout: 180_000 }, () => {
  let server, admin, bea, ana, browser, page;

  before(async () => {
    server = await startServer();
    admin = await adminApi(server);
    bea = await addUser(admin, server.base, { email: 'bea.admin@example.org', name: 'Bea Admin', role: 'admin' });
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    browser = await openBrowser();
    page = browser.page;
    await signIn(page, bea.login);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const save = () => page.getByRole('button', { name: 'Save brand profile' });
  const saved = () => page.getByRole('status').filter({ hasText: 'Saved.' });

  test('opens from the header link with the stored profile', async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Brand profile' }).click();
    await page.getByRole('heading', { level: 2, name: 'Brand profile' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/brand');
    const name = page.getByLabel('Project name');
    await name.waitFor();
    assert.equal(await name.inputValue(), 'Brief Studio');
    assert.equal(await page.getByLabel('Primary colour', { exact: true }).inputValue(), '#1F3A93');
    assert.equal(await page.getByLabel('Funder profile').inputValue(), 'none');
    // One series text per brief type, from GET /api/templates.
    for (const t of ['Discussion Brief', 'Policy Options Brief', 'Ask-the-Expert Brief', 'National Stakeholder Report', 'Synthetic Report']) {
      await page.getByLabel(t, { exact: true }).waitFor();
    }
    // Nothing changed yet: nothing to save.
    assert.equal(await save().isDisabled(), true);
    await shot(page, 'brand-01-open');
    // What the window shows (the save bar sits at its foot; a full-page shot draws it mid-page).
    await page.screenshot({ path: join(shotsDir, 'brand-01-open-window.png') });
  });

  test('edits project, colours and funder, checked as typed, and saves', async () => {
    await page.getByLabel('Project name').fill('ReSOMA');
    await page.getByLabel('Tagline').fill('Research Social Platform on Migration and Asylum');
    await page.getByLabel('Website').fill('https://resoma.example.org');
    const counter = page.locator('#bp-projectName-count');
    assert.match(await counter.innerText(), /^6 \/ 80/);

    // The hex field and the colour picker follow each other.
    await page.getByLabel('Primary colour', { exact: true }).fill('#0B5D3B');
    assert.equal(await page.getByLabel('Pick the primary colour').inputValue(), '#0b5d3b');
    await page.getByLabel('Pick the accent colour').fill('#e07a10');
    assert.equal(await page.getByLabel('Accent colour', { exact: true }).inputValue(), '#E07A10');
    const preview = page.getByTestId('cover-preview');
    const block = await preview.locator('.cv-block').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(block, 'rgb(11, 93, 59)');
    assert.match(await preview.innerText(), /RESOMA/);
    // A colour being typed is wrong until it is whole.
    await page.getByLabel('Accent colour', { exact: true }).fill('#E07A1');
    await page.getByText('Write a colour as # and six hexadecimal digits').waitFor();
    await page.getByLabel('Accent colour', { exact: true }).fill('#E07A10');

    // Horizon Europe needs a grant agreement number: the form says so at once.
    await page.getByLabel('Funder profile').selectOption('horizon-europe');
    const grant = page.getByLabel('Grant agreement number');
    await page.getByText('Horizon Europe needs the grant agreement number').waitFor();
    assert.equal(await grant.getAttribute('aria-invalid'), 'true');
    assert.equal(await save().isDisabled(), true);
    // The overrides show the funder's own texts as placeholders.
    assert.equal(await page.getByLabel('Funding statement').getAttribute('placeholder'), 'Funded by the European Union');
    assert.match(await page.getByLabel('Disclaimer').getAttribute('placeholder'), /^Views and opinions expressed are however those/);
    await grant.fill('101004564');
    await page.getByText('Horizon Europe needs the grant agreement number').waitFor({ state: 'detached' });
    await page.getByRole('radio', { name: 'Always' }).check();

    // An invalid e-mail shows an error under the field and disables Save.
    const email = page.getByLabel('Contact e-mail');
    await email.fill('team.resoma.example.org');
    const err = page.locator('#bp-contactEmail-err');
    await err.waitFor();
    assert.match(await err.innerText(), /Write an e-mail address/);
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.match(await email.getAttribute('aria-describedby'), /bp-contactEmail-err/);
    assert.equal(await save().isDisabled(), true);
    await page.getByText('Fix the field marked in red to save.').waitFor();
    await shot(page, 'brand-02-invalid-email');

    await email.fill('team@resoma.example.org');
    await err.waitFor({ state: 'detached' });
    assert.equal(await email.getAttribute('aria-invalid'), 'false');
    assert.equal(await save().isEnabled(), true);

    await page.getByLabel('Discussion Brief', { exact: true }).fill('The Discussion Briefs take stock of the debate on a topic.');
    await save().click();
    await saved().waitFor();
    assert.equal(await save().isDisabled(), true);

    const b = await admin.get('/api/brand');
    assert.equal(b.projectName, 'ReSOMA');
    assert.equal(b.tagline, 'Research Social Platform on Migration and Asylum');
    assert.equal(b.website, 'https://resoma.example.org');
    assert.equal(b.contactEmail, 'team@resoma.example.org');
    assert.equal(b.primaryColor, '#0B5D3B');
    assert.equal(b.accentColor, '#E07A10');
    assert.equal(b.funder, 'horizon-europe');
    assert.equal(b.grantAgreement, '101004564');
    assert.equal(b.showEmblem, true);
    assert.equal(b.fundingStatement, '');
    assert.deepEqual(b.seriesText, { 'discussion-brief': 'The Discussion Briefs take stock of the debate on a topic.' });

    // The app's accent follows the saved colours at once.
    const accent = await page.evaluate(() => document.documentElement.style.getPropertyValue('--bs-primary'));
    assert.equal(accent, 'rgb(11 93 59)');
    await shot(page, 'brand-03-saved');
  });

  test('uploads a logo with a preview; a damaged one is refused and the old one kept', async () => {
    const file = page.getByLabel('Choose a new logo');
    // Over 2 MB is refused before anything is sent.
    await file.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
    await page.getByText('a logo can be at most 2 MB').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Upload logo' }).count(), 0);

    const good = png(120, 40, [11, 93, 59]);
    await file.setInputFiles({ name: 'resoma.png', mimeType: 'image/png', buffer: good });
    const pending = page.getByTestId('logo-pending');
    await pending.waitFor();
    await until('the preview to decode', () => pending.evaluate((img) => img.complete && img.naturalWidth === 120));
    await shot(page, 'brand-04-logo-preview');
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByRole('status').filter({ hasText: 'Logo uploaded.' }).waitFor();
    const current = page.getByTestId('logo-current');
    await until('the stored logo to show', () => current.evaluate((img) => img.complete && img.naturalWidth === 120));
    assert.equal((await admin.get('/api/brand')).hasLogo, true);
    const stored = async () => {
      const res = await fetch(`${server.base}/api/brand/logo`, { headers: { Authorization: `Bearer ${admin.token}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      return Buffer.from(await res.arrayBuffer());
    };
    const before = await stored();
    await shot(page, 'brand-05-logo-uploaded');

    // Random bytes named .png: the browser may show no preview; the server refuses them.
    await file.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: randomBytes(600) });
    await page.getByRole('button', { name: 'Upload logo' }).waitFor();
    await page.getByRole('button', { name: 'Upload logo' }).click();
    const alert = page.locator('#bp-logo-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Not uploaded\. The logo must be a PNG or JPEG image\. The current logo is kept\./);
    await until('the old logo to stay', () => current.evaluate((img) => img.complete && img.naturalWidth === 120));
    assert.deepEqual(await stored(), before);
    assert.equal((await admin.get('/api/brand')).hasLogo, true);
    await shot(page, 'brand-06-logo-refused');
    assert.deepEqual(takeConsoleErrors(browser, REFUSED_LOGO), []);
  });

  test('text stays text: markup in the tagline is shown literally and never runs', async () => {
    const xss = '<img src=x onerror=window.__xss=1>';
    await page.getByLabel('Tagline').fill(xss);
    assert.equal(await page.getByTestId('cover-tagline').innerText(), xss);
    await save().click();
    await saved().waitFor();
    assert.equal((await admin.get('/api/brand')).tagline, xss);

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Brand profile' }).waitFor();
    await page.getByLabel('Tagline').waitFor();
    assert.equal(await page.getByLabel('Tagline').inputValue(), xss);
    assert.equal(await page.getByTestId('cover-tagline').innerText(), xss);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__xss), undefined);
    await shot(page, 'brand-07-xss-literal');
  });

  test('keyboard only: Tab to a field, type, Tab to Save and press Enter', async () => {
    await page.reload();
    await page.getByLabel('Social handle').waitFor();
    await page.locator('body').evaluate((b) => b.focus());
    const active = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));
    for (let i = 0; ; i++) {
      assert.ok(i < 60, 'the Social handle field is reachable with Tab');
      await page.keyboard.press('Tab');
      if ((await active()).id === 'bp-social') break;
    }
    await page.keyboard.type('@resoma_eu');
    for (let i = 0; ; i++) {
      assert.ok(i < 80, 'the Save button is reachable with Tab');
      await page.keyboard.press('Tab');
      if ((await active()).text === 'Save brand profile') break;
    }
    // The focus is visible on the button.
    const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.notEqual(outline, 'none');
    await shot(page, 'brand-08-keyboard-save');
    await page.keyboard.press('Enter');
    await saved().waitFor();
    assert.equal((await admin.get('/api/brand')).social, '@resoma_eu');
  });

  test("the server's refusal shows on the field it names", async () => {
    // A refusal the client's checks did not foresee (the server is authoritative).
    const refuse = (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'invalid', message: 'contactEmail "team@resoma.example.org" is not an e-mail address' } }),
          })
        : route.continue();
    await page.route('**/api/brand', refuse);
    try {
      await page.getByLabel('About the project').fill('ReSOMA brings together researchers and policy-makers.');
      await save().click();
      const err = page.locator('#bp-contactEmail-err');
      await err.waitFor();
      assert.match(await err.innerText(), /^Contact e-mail "team@resoma\.example\.org" is not an e-mail address\.$/);
      assert.equal(await page.getByLabel('Contact e-mail').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'bp-contactEmail');
      await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
      await shot(page, 'brand-09-server-refused');
    } finally {
      await page.unroute('**/api/brand', refuse);
    }
    // Editing the field clears the server's message; saving works again.
    await page.getByLabel('Contact e-mail').fill('hello@resoma.example.org');
    await page.locator('#bp-contactEmail-err').waitFor({ state: 'detached' });
    await save().click();
    await saved().waitFor();
    const b = await admin.get('/api/brand');
    assert.equal(b.contactEmail, 'hello@resoma.example.org');
    assert.equal(b.about, 'ReSOMA brings together researchers and policy-makers.');
    assert.deepEqual(takeConsoleErrors(browser, REFUSED_LOGO), []);
  });

  test('stays usable at 200 % zoom (a narrow window): one column, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 640, height: 400 });
    await page.getByLabel('Project name').waitFor();
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `no horizontal scroll (${scroll} > ${client})`);
    const [a, b] = await Promise.all([page.getByLabel('Project name').boundingBox(), page.getByLabel('Tagline').boundingBox()]);
    assert.ok(a && b && b.y > a.y, 'the fields stack in one column');
    await shot(page, 'brand-10-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(takeConsoleErrors(browser), []);
  });

  test('an author sees no editor and no header link', async () => {
    const other = await openBrowser();
    try {
      await signIn(other.page, ana.login);
      assert.equal(await other.page.getByRole('link', { name: 'Brand profile' }).count(), 0);
      await other.page.goto(`${server.base}/#/brand`);
      await other.page.getByText('Only an admin can edit the brand profile.').waitFor();
      assert.equal(await other.page.getByRole('heading', { name: 'Brand profile' }).count(), 0);
      assert.equal(await other.page.getByLabel('Project name').count(), 0);
      assert.equal(await other.page.getByRole('link', { name: 'Brand profile' }).count(), 0);
      await shot(other.page, 'brand-11-author');
      // The server refuses an author's PUT as well.
      await assert.rejects(ana.api.put('/api/brand', { projectName: 'Mine' }), /403/);
      assert.deepEqual(takeConsoleErrors(other), []);
    } finally {
      await other.close();
    }
  });
});
