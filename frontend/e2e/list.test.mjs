// End-to-end: a supervisor opens a login link and lands on their briefs with
// status, open comments and "changed since your review"; search finds a
// brief by a word of its text.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, openBrowser, shot, startServer, takeConsoleErrors } from './helpers.mjs';

describe('briefs list', { timeout: 120_000 }, () => {
  let server, browser, page, reviewed, quiet;

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    const ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    const sam = await addUser(admin, server.base, { email: 'sam@example.org', name: 'Sam Supervisor', role: 'supervisor' });
    reviewed = await ana.api.post('/api/briefs', { type: 'discussion-brief', title: 'Reception conditions in Greece' });
    quiet = await ana.api.post('/api/briefs', { type: 'synthetic-report', title: 'Family reunification rules' });
    for (const b of [reviewed, quiet]) await ana.api.post(`/api/briefs/${b.id}/members`, { email: 'sam@example.org', role: 'supervisor' });
    await ana.api.put(`/api/briefs/${reviewed.id}/sections/introduction`, { text: 'Islands host most newcomers.', baseVersion: 0 });
    await ana.api.put(`/api/briefs/${quiet.id}/sections/summary`, { text: 'Reunification with spouses takes years in Denmark.', baseVersion: 0 });
    // Sam reviews, comments twice, then Ana changes the text.
    await ana.api.post(`/api/briefs/${reviewed.id}/submit`, {});
    await sam.api.post(`/api/briefs/${reviewed.id}/review`, { decision: 'request_changes', note: 'Cite the 2019 figures.' });
    await sam.api.post(`/api/briefs/${reviewed.id}/comments`, { section: 'introduction', start: 0, end: 7, body: 'Which islands?' });
    await sam.api.post(`/api/briefs/${reviewed.id}/comments`, { section: 'introduction', start: 8, end: 12, body: 'Source?' });
    await ana.api.put(`/api/briefs/${reviewed.id}/sections/introduction`, { text: 'Five islands host most newcomers.', baseVersion: 1 });
    browser = await openBrowser();
    page = browser.page;
    await page.goto(sam.login);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the login link signs in and lists the briefs with their markers', async () => {
    await page.getByRole('heading', { level: 2, name: 'Briefs' }).waitFor();
    assert.equal(new URL(page.url()).search, '');
    await page.getByText('Sam Supervisor').first().waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Reception conditions in Greece' });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Changes requested/);
    assert.match(text, /Changed since your review/);
    assert.equal(await row.getByText('2 open comments').count(), 1);
    const other = await page.getByRole('row').filter({ hasText: 'Family reunification rules' }).innerText();
    assert.match(other, /Draft/);
    assert.doesNotMatch(other, /Changed since your review/);
    await shot(page, 'list-01-markers');
  });

  test('search filters titles and finds words in the text', async () => {
    const box = page.getByRole('searchbox', { name: 'Search briefs' });
    await box.fill('family');
    await page.getByRole('row').filter({ hasText: 'Reception conditions' }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('row').filter({ hasText: 'Family reunification rules' }).count(), 1);
    await box.fill('spouses denmark');
    const hits = page.getByRole('region', { name: 'Found in the text' });
    await hits.waitFor();
    assert.match(await hits.innerText(), /Family reunification rules[\s\S]*Summary[\s\S]*spouses/);
    await shot(page, 'list-02-search');
    await hits.getByRole('link', { name: 'Family reunification rules' }).click();
    await page.locator('.cm-content').getByText('Reunification with spouses').waitFor();
    await page.getByRole('link', { name: 'Back to all briefs' }).click();
    await box.waitFor();
    assert.deepEqual(takeConsoleErrors(browser), []);
  });
});
