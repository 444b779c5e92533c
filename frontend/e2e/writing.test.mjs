// End-to-end: the outline (add, rename, reorder by drag and by keyboard,
// remove with undo), the editor's shortcuts, word counts and the preview.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, editorText, openBrowser, shot, signIn, sleep, startServer, takeConsoleErrors, waitSaved } from './helpers.mjs';

describe('writing a brief', { timeout: 120_000 }, () => {
  let server, ana, browser, page, brief, outline;
  const order = async () => (await ana.api.get(`/api/briefs/${brief.id}`)).sections.map((s) => s.title);
  const shown = async () =>
    outline.locator('li .name').allInnerTexts();

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    brief = await ana.api.post('/api/briefs', { type: 'ask-the-expert-brief', title: 'Evidence on language courses' });
    browser = await openBrowser();
    page = browser.page;
    await signIn(page, ana.login);
    await page.goto(`${server.base}/#/b/${brief.id}`);
    await page.locator('.cm-content').waitFor();
    await waitSaved(page);
    outline = page.getByRole('navigation', { name: 'Outline' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('add and rename sections', async () => {
    await outline.getByRole('button', { name: /^Issue analysis/ }).click();
    await outline.getByRole('button', { name: '+ Add section' }).click();
    await outline.getByLabel('New section title').fill('Methods');
    await outline.getByLabel('New section title').press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Methods' }).waitFor();
    assert.deepEqual(await shown(), ['Issue analysis', 'Methods', 'Evidence from research', 'Policy considerations', 'References']);
    // Rename with F2 on the outline entry.
    await outline.getByRole('button', { name: /^Methods/ }).focus();
    await page.keyboard.press('F2');
    const input = outline.getByLabel('New title for “Methods”');
    await input.fill('Methods and data');
    await input.press('Enter');
    await outline.getByRole('button', { name: /^Methods and data/ }).waitFor();
    for (let i = 0; i < 20 && !(await order()).includes('Methods and data'); i++) await sleep(100);
    assert.deepEqual(await order(), ['Issue analysis', 'Methods and data', 'Evidence from research', 'Policy considerations', 'References']);
    await shot(page, 'writing-01-added-renamed');
  });

  test('reorder by keyboard and by drag', async () => {
    // Alt+↓ moves the focused section down; focus stays on it.
    await outline.getByRole('button', { name: /^Methods and data/ }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('Alt+ArrowDown');
    assert.deepEqual(await shown(), ['Issue analysis', 'Evidence from research', 'Policy considerations', 'Methods and data', 'References']);
    assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /Methods and data/);
    await outline.getByText('moved to position 4 of 5').waitFor({ state: 'attached' });
    // Drag "References" onto the top of "Issue analysis".
    await outline.locator('li[data-key="references"]').dragTo(outline.locator('li[data-key="issue-analysis"]'), {
      targetPosition: { x: 40, y: 4 },
    });
    assert.deepEqual(await shown(), ['References', 'Issue analysis', 'Evidence from research', 'Policy considerations', 'Methods and data']);
    for (let i = 0; i < 20 && (await order())[0] !== 'References'; i++) await sleep(100);
    assert.deepEqual(await order(), ['References', 'Issue analysis', 'Evidence from research', 'Policy considerations', 'Methods and data']);
    await shot(page, 'writing-02-reordered');
  });

  test('remove with undo, then remove for good', async () => {
    await outline.locator('li[data-key="policy-considerations"]').hover();
    await outline.getByRole('button', { name: 'Remove “Policy considerations”' }).click();
    const toast = page.locator('.toast[role="status"]').filter({ hasText: '“Policy considerations” removed.' });
    await toast.waitFor();
    assert.equal(await outline.getByRole('button', { name: /^Policy considerations/ }).count(), 0);
    await shot(page, 'writing-03-removed-undo');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await outline.getByRole('button', { name: /^Policy considerations/ }).waitFor();
    assert.ok((await order()).includes('Policy considerations'), 'nothing was removed on the server');
    // Delete key on the entry; the toast runs out and the section goes.
    await outline.getByRole('button', { name: /^Methods and data/ }).focus();
    await page.keyboard.press('Delete');
    const toast2 = page.locator('.toast[role="status"]').filter({ hasText: '“Methods and data” removed.' });
    await toast2.waitFor();
    await toast2.waitFor({ state: 'detached', timeout: 12_000 });
    for (let i = 0; i < 20 && (await order()).includes('Methods and data'); i++) await sleep(100);
    assert.deepEqual(await order(), ['References', 'Issue analysis', 'Evidence from research', 'Policy considerations']);
  });

  test('shortcuts, word counts and the preview', async () => {
    await outline.getByRole('button', { name: /^Issue analysis/ }).click();
    const ed = page.locator('.cm-content');
    await ed.click();
    await page.keyboard.type('Courses ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('work');
    await page.keyboard.press('End');
    await page.keyboard.type(' when they are ');
    await page.keyboard.press('Control+i');
    await page.keyboard.type('early');
    await page.keyboard.press('End');
    await page.keyboard.type('.');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Findings');
    await page.keyboard.press('Control+Alt+3');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Recognition of skills');
    await page.keyboard.press('Control+Shift+8');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    // Enter continues the list.
    await page.keyboard.type('Childcare during lessons');
    const text = await editorText(page);
    assert.equal(
      text,
      'Courses **work** when they are _early_.\n\n### Findings\n\n- Recognition of skills\n- Childcare during lessons',
    );
    // Select a word and make it bold with the toolbar.
    await page.evaluate(() => {
      const v = /** @type {any} */ (document.querySelector('[data-editor]')).editorView;
      const i = v.state.doc.toString().indexOf('Courses');
      v.dispatch({ selection: { anchor: i, head: i + 7 } });
    });
    await page.getByRole('button', { name: /^Bold/ }).click();
    assert.match(await editorText(page), /^\*\*Courses\*\* \*\*work\*\*/);
    await waitSaved(page);

    // Word counts: this section and the brief.
    await page.getByText('13 words in this section').waitFor();
    await page.getByText('13 in the brief').waitFor();
    await outline.locator('[aria-label="13 words in the brief"]').waitFor();
    await outline.locator('li[data-key="issue-analysis"] [aria-label="13 words"]').waitFor();

    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('complementary', { name: 'Preview of the section' });
    await preview.locator('strong', { hasText: 'Courses' }).waitFor();
    assert.equal(await preview.locator('em').innerText(), 'early');
    assert.equal(await preview.locator('h3', { hasText: 'Findings' }).count(), 1);
    assert.equal(await preview.locator('li').count(), 2);
    // Raw HTML is shown as text, never run.
    await ed.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n\n<img src=x onerror=alert(1)>');
    await preview.getByText('<img src=x onerror=alert(1)>').waitFor();
    assert.equal(await preview.locator('img').count(), 0);
    for (let i = 0; i < 10 && (await editorText(page)).includes('<img'); i++) await page.keyboard.press('Control+z');
    assert.ok(!(await editorText(page)).includes('<img'));
    await preview.getByText('<img src=x').waitFor({ state: 'detached' });
    await waitSaved(page);
    await shot(page, 'writing-04-preview');
    // 200 % zoom of a 1280×800 window: the layout stacks and stays readable.
    await page.setViewportSize({ width: 640, height: 400 });
    await page.getByRole('heading', { level: 2, name: 'Issue analysis' }).waitFor();
    await shot(page, 'writing-05-zoom-200');
    await page.setViewportSize({ width: 1280, height: 800 });
    const server = (await ana.api.get(`/api/briefs/${brief.id}`)).sections.find((s) => s.key === 'issue-analysis').text;
    await waitSaved(page);
    assert.ok(server.startsWith('**Courses**'), server);
    assert.deepEqual(takeConsoleErrors(browser), []);
  });
});
