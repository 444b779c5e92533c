// End-to-end: import a Markdown brief through the UI (the file input of the
// browser), with the type taken from its front matter; a file without one
// asks for the type and says so.

import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, openBrowser, repoDir, shot, signIn, startServer, takeConsoleErrors } from './helpers.mjs';

describe('import through the UI', { timeout: 120_000 }, () => {
  let server, ana, browser, page, dir;
  const sample = resolve(repoDir, 'app/testdata/discussion-brief.md');

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    dir = await mkdtemp(join(tmpdir(), 'briefstudio-import-'));
    browser = await openBrowser();
    page = browser.page;
    await signIn(page, ana.login);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the sample imports with its type from the front matter and opens', async () => {
    await page.getByRole('button', { name: 'Import Markdown…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Import a Markdown brief' });
    await dlg.waitFor();
    assert.equal(await dlg.getByLabel('Template').inputValue(), 'auto');
    await dlg.getByLabel('Markdown file').setInputFiles(sample);
    await shot(page, 'import-01-dialog');
    await dlg.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { level: 2, name: /Housing first for newly recognised refugees/ }).waitFor();
    await page.getByText(/Imported “Housing first.*sections matched/).waitFor();
    const outline = page.getByRole('navigation', { name: 'Outline' });
    for (const s of ['Introduction', 'Scoping the debate', 'Key issues and controversies', 'Stakeholder priorities', 'References']) {
      await outline.getByRole('button', { name: new RegExp(`^${s}`) }).waitFor();
    }
    const briefs = await ana.api.get('/api/briefs');
    assert.equal(briefs.length, 1);
    assert.equal(briefs[0].type, 'discussion-brief');
    await shot(page, 'import-02-opened');
  });

  test('a file without a type in its front matter is refused with the reason; choosing a type imports it', async () => {
    const plain = join(dir, 'notes.md');
    await writeFile(plain, '# Summary\n\nA synthetic report in a few words.\n\n# Recommendations\n\nDo more.\n');
    await page.goto(`${server.base}/#/`);
    await page.getByRole('button', { name: 'Import Markdown…' }).click();
    const dlg = page.getByRole('dialog', { name: 'Import a Markdown brief' });
    await dlg.getByLabel('Markdown file').setInputFiles(plain);
    await dlg.getByRole('button', { name: 'Import' }).click();
    await dlg.getByRole('alert').filter({ hasText: /choose the type/ }).waitFor();
    await dlg.getByLabel('Template').selectOption('synthetic-report');
    await dlg.getByRole('button', { name: 'Import' }).click();
    await page.getByText(/Imported “/).waitFor();
    assert.equal((await ana.api.get('/api/briefs')).length, 2);
    assert.deepEqual(takeConsoleErrors(browser, [/status of 400/]), []);
  });
});
