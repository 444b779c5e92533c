// End-to-end: create a brief from a template, fill its details in a form
// that checks as you type, duplicate it and archive it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, openBrowser, shot, signIn, startServer, takeConsoleErrors } from './helpers.mjs';

describe('a brief from a template', { timeout: 120_000 }, () => {
  let server, ana, browser, page, id;
  const title = 'Labour-market integration of refugees';

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    browser = await openBrowser();
    page = browser.page;
    await signIn(page, ana.login);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('create from a template and open it', async () => {
    await page.getByLabel('Type').selectOption('ask-the-expert-brief');
    await page.getByLabel('Title').fill(title);
    await page.getByRole('button', { name: 'Create brief' }).click();
    const row = page.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    assert.match(await row.innerText(), /Ask-the-Expert|Ask the Expert/i);
    await row.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 2, name: title }).waitFor();
    id = new URL(page.url()).hash.split('/')[2];
    const outline = page.getByRole('navigation', { name: 'Outline' });
    for (const s of ['Issue analysis', 'Evidence from research', 'Policy considerations', 'References']) {
      await outline.getByRole('button', { name: new RegExp(`^${s}`) }).waitFor();
    }
    await shot(page, 'brief-01-created');
  });

  test('the details form checks as you type and saves', async () => {
    await page.getByRole('link', { name: 'Details' }).click();
    await page.getByRole('heading', { name: 'Brief details' }).waitFor();
    const date = page.getByLabel('Date', { exact: true });
    await date.fill('Sept 2019x');
    // The error shows before anything is submitted.
    const err = page.getByText('Write a month and year, such as “September 2019”');
    await err.waitFor();
    assert.equal(await date.getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Language').fill('ENG');
    await page.getByText('Use a two-letter language code').waitFor();
    await shot(page, 'brief-02-invalid');
    // Submitting an invalid form saves nothing.
    await page.getByRole('button', { name: 'Save details' }).click();
    assert.equal((await ana.api.get(`/api/briefs/${id}`)).metadata.date, '');

    await date.fill('sep 2019');
    await err.waitFor({ state: 'detached' });
    await page.getByLabel('Language').fill('en');
    await page.getByLabel('Subtitle').fill('What works, for whom');
    await page.getByLabel('Author 1 name').fill('Ana Author');
    await page.getByLabel('Author 1 affiliation').fill('University of Amsterdam');
    await page.getByLabel('Keywords').fill('labour market, refugees');
    await page.getByLabel('Topic').fill('Integration');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Details saved.').waitFor();
    const m = (await ana.api.get(`/api/briefs/${id}`)).metadata;
    assert.equal(m.date, 'September 2019');
    assert.equal(m.language, 'EN');
    assert.equal(m.subtitle, 'What works, for whom');
    assert.deepEqual(m.authors, [{ name: 'Ana Author', affiliation: 'University of Amsterdam' }]);
    assert.deepEqual(m.keywords, ['labour market', 'refugees']);
    assert.equal(m.topic, 'Integration');
    assert.equal(await date.inputValue(), 'September 2019');
    await shot(page, 'brief-03-saved');
  });

  test('duplicate, then archive the copy', async () => {
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Duplicate brief' }).click();
    await page.getByRole('heading', { level: 2, name: `Copy of ${title}` }).waitFor();
    await page.getByText(`Duplicated as “Copy of ${title}”.`).waitFor();
    const copyId = new URL(page.url()).hash.split('/')[2];
    assert.notEqual(copyId, id);
    assert.equal((await ana.api.get(`/api/briefs/${copyId}`)).metadata.date, 'September 2019');
    await shot(page, 'brief-04-duplicated');

    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Archive brief…' }).click();
    const dialog = page.getByRole('dialog', { name: `Archive “Copy of ${title}”?` });
    await dialog.waitFor();
    await shot(page, 'brief-05-archive-dialog');
    await dialog.getByRole('button', { name: 'Archive' }).click();
    await page.getByText(`Archived “Copy of ${title}”.`).waitFor();
    await page.getByRole('row').filter({ hasText: title }).first().waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: `Copy of ${title}` }).count(), 0);
    const list = await ana.api.get('/api/briefs');
    assert.deepEqual(list.map((b) => b.title), [title]);
    await shot(page, 'brief-06-archived');
    assert.deepEqual(takeConsoleErrors(browser), []);
  });
});
