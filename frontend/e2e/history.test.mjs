// End-to-end: the History view and the PDF export. An author names a
// version, changes the text, compares, restores (with the mouse and with the
// keyboard only); author text holding markup shows as text; the PDF
// downloads with the title and the DRAFT mark; a supervisor reads the
// history without the author's buttons.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { addUser, adminApi, editorText, openBrowser, shot, signIn, startServer, takeConsoleErrors, waitSaved } from './helpers.mjs';

const run = promisify(execFile);

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';

describe('history and export', { timeout: 240_000 }, () => {
  let server, ana, sam, brief, A, S, downloads;
  const title = 'Housing first for European cities';
  const intro0 = 'Cities across Europe are testing housing first. It gives people a home without conditions.';
  // A long section: its unchanged lines fold in the diff.
  const scoping0 = Array.from({ length: 14 }, (_, i) => `Line ${i + 1} of the scoping section, which stays as it is.`).join('\n');

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    sam = await addUser(admin, server.base, { email: 'sam@example.org', name: 'Sam Supervisor', role: 'supervisor' });
    brief = await ana.api.post('/api/briefs', { type: 'discussion-brief', title });
    await ana.api.post(`/api/briefs/${brief.id}/members`, { email: 'sam@example.org', role: 'supervisor' });
    await putText('introduction', intro0);
    await putText('scoping-the-debate', scoping0);
    downloads = await mkdtemp(join(tmpdir(), 'briefstudio-e2e-pdf-'));
    A = await openBrowser();
    S = await openBrowser();
    await signIn(A.page, ana.login);
    await signIn(S.page, sam.login);
  });

  after(async () => {
    await A?.close();
    await S?.close();
    await server?.stop();
    if (downloads) await rm(downloads, { recursive: true, force: true });
  });

  /** putText replaces a section's text through the API. */
  async function putText(key, text) {
    const b = await ana.api.get(`/api/briefs/${brief.id}`);
    const s = b.sections.find((x) => x.key === key);
    return ana.api.put(`/api/briefs/${brief.id}/sections/${key}`, { text, baseVersion: s.version });
  }

  async function serverText(key) {
    return (await ana.api.get(`/api/briefs/${brief.id}`)).sections.find((x) => x.key === key)?.text;
  }

  const hash = (q = '') => `${server.base}/#/b/${brief.id}/history${q}`;

  /** texts returns the text of every element matching sel inside the diff. */
  const texts = (page, sel) => page.locator(`.diff ${sel}`).allInnerTexts();

  /** tabTo presses Tab (or Shift+Tab) until the focused element matches `test`, at most `max` times. */
  async function tabTo(page, test, { back = false, max = 80 } = {}) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      if (await page.evaluate(test)) return i + 1;
    }
    throw new Error(`focus never reached ${test} in ${max} presses`);
  }

  test('the author types, opens History and names a version', async () => {
    const page = A.page;
    await page.goto(`${server.base}/#/b/${brief.id}`);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Typed in the editor.', { delay: 10 });
    await waitSaved(page);
    assert.equal(await serverText('introduction'), `${intro0} Typed in the editor.`);

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { level: 3, name: 'Named versions' }).waitFor();
    await page.getByText('No named versions yet').waitFor();
    // No versions: the brief as created is compared with the current text.
    await page.locator('.diff ins').first().waitFor();
    assert.ok((await texts(page, 'ins')).some((t) => t.includes('Typed in the editor.')));
    await shot(page, 'history-01-empty');

    await page.getByLabel('Name the current text').fill('First draft');
    await page.getByRole('button', { name: 'Name version' }).click();
    await page.getByText('Named v1 “First draft”.').waitFor();
    const row = page.locator('[data-version="v1"]');
    await row.waitFor();
    assert.match(await row.innerText(), /v1\s+First draft\s+Manual/);
    assert.match(await row.innerText(), /Ana Author/);
    assert.ok(await row.locator('time').getAttribute('title'), 'the exact time is in a tooltip');
    const versions = await ana.api.get(`/api/briefs/${brief.id}/versions`);
    assert.deepEqual(versions.map((v) => [v.id, v.label, v.kind]), [['v1', 'First draft', 'manual']]);
    // Revisions list the typing.
    await page.locator('[data-revision]').first().waitFor();
    assert.match(await page.locator('[data-revision]').first().innerText(), /Introduction[\s\S]*Ana Author/);
    await shot(page, 'history-02-named');
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('compare the version with the current text: insertions and deletions coloured', async () => {
    const page = A.page;
    await putText('introduction', `Cities across Europe are piloting housing first. It gives people a home without conditions. Typed in the editor. Results are promising.`);
    await putText('scoping-the-debate', `${scoping0}\nA closing line was added.`);
    await page.locator('[data-version="v1"]').getByRole('button', { name: 'Compare with current (v1)' }).click();
    await page.waitForURL(/history\?from=v1&to=current$/);
    await page.locator('.diff ins', { hasText: 'piloting' }).waitFor();
    const ins = await texts(page, 'ins');
    const del = await texts(page, 'del');
    assert.ok(ins.includes('piloting'), `insertions: ${JSON.stringify(ins)}`);
    assert.ok(ins.some((t) => t.includes('Results are promising.')), `insertions: ${JSON.stringify(ins)}`);
    assert.ok(del.includes('testing'), `deletions: ${JSON.stringify(del)}`);
    // Green underlined insertions, red struck-through deletions.
    const look = await page.evaluate(() => {
      const css = (sel) => {
        const s = getComputedStyle(/** @type {Element} */ (document.querySelector(sel)));
        return { color: s.color, bg: s.backgroundColor, deco: s.textDecorationLine };
      };
      return { ins: css('.diff ins'), del: css('.diff del') };
    });
    assert.equal(look.ins.color, 'rgb(17, 96, 58)');
    assert.match(look.ins.deco, /underline/);
    assert.equal(look.del.color, 'rgb(164, 38, 44)');
    assert.match(look.del.deco, /line-through/);
    // Summary line.
    const summary = await page.locator('.summary').innerText();
    assert.match(summary, /From v1 “First draft” to the current text/);
    assert.match(summary, /2 sections changed: \+\d+ words, −1 word$/m);
    // The long unchanged run of the scoping section is folded to its first and last lines.
    const scoping = page.locator('article[data-key="scoping-the-debate"]');
    const fold = scoping.getByRole('button', { name: /… \d+ unchanged lines …/ });
    await fold.waitFor();
    const folded = await scoping.locator('.text').innerText();
    assert.ok(folded.includes('Line 1 of') && folded.includes('Line 14 of'), folded);
    assert.ok(!folded.includes('Line 7 of'), 'the middle is folded');
    await shot(page, 'history-03-compare');
    assert.equal(await fold.getAttribute('aria-expanded'), 'false');
    await fold.click();
    const unfold = scoping.getByRole('button', { name: /^Fold \d+ unchanged lines$/ });
    assert.equal(await unfold.getAttribute('aria-expanded'), 'true');
    assert.ok((await scoping.locator('.text').innerText()).includes('Line 7 of'), 'the fold opens');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim().startsWith('Fold')), true, 'focus stays on the fold');
    assert.deepEqual(await texts(page, 'ins').then((t) => t.filter((x) => x.includes('closing line')).map((x) => x.trim())), ['A closing line was added.']);
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('"Only changed sections" hides and shows the unchanged ones', async () => {
    const page = A.page;
    const box = page.getByLabel('Only changed sections');
    assert.equal(await box.isChecked(), true, 'on by default');
    const articles = page.locator('.diff article');
    assert.equal(await articles.count(), 2);
    await box.uncheck();
    await page.locator('.diff article[data-key="references"]').waitFor();
    assert.equal(await articles.count(), 5);
    assert.equal(await page.locator('.diff .badge.same').count(), 3);
    await shot(page, 'history-04-all-sections');
    await box.check();
    await page.locator('.diff article[data-key="references"]').waitFor({ state: 'detached' });
    assert.equal(await articles.count(), 2);
  });

  test('restore the version: confirmed in a dialog, the editor gets the old text', async () => {
    const page = A.page;
    await page.locator('[data-version="v1"]').getByRole('button', { name: 'Restore v1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore v1?' });
    await dialog.waitFor();
    await dialog.getByText('Your current text stays in history.').waitFor();
    await shot(page, 'history-05-restore-dialog');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await page.getByText(/Restored v1\. The text before the restore stays in history\./).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await serverText('introduction'), `${intro0} Typed in the editor.`);
    // The comparison refreshes: v1 and the current text are the same again.
    await page.locator('.summary', { hasText: 'No changes' }).waitFor();
    await page.getByText('No differences').waitFor();
    await shot(page, 'history-06-restored');

    await page.getByRole('link', { name: 'Write' }).click();
    await page.locator('.cm-content').waitFor();
    await page.waitForFunction(
      (want) => /** @type {any} */ (document.querySelector('[data-editor]'))?.editorView?.state.doc.toString() === want,
      `${intro0} Typed in the editor.`,
      { timeout: 10_000 },
    );
    assert.ok(!(await editorText(page)).includes('piloting'));
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('keyboard only: pick a comparison and restore', async () => {
    const page = A.page;
    await putText('introduction', `${intro0} Typed in the editor. A change to take back.`);
    await page.goto(hash());
    await page.locator('[data-version="v1"]').waitFor();
    await page.locator('.diff ins', { hasText: 'A change to take back.' }).waitFor();
    // Start from the top of the page, as someone tabbing through it would.
    await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
    await tabTo(page, () => document.activeElement?.id === 'hv-from');
    await page.keyboard.press('End'); // the last option: the brief as created
    assert.equal(await page.locator('#hv-from').inputValue(), '0');
    await tabTo(page, () => document.activeElement?.textContent?.trim() === 'Compare' && document.activeElement.tagName === 'BUTTON');
    await page.keyboard.press('Enter');
    await page.waitForURL(/history\?from=0&to=current$/);
    await page.locator('.summary', { hasText: 'the brief as created' }).waitFor();
    await page.locator('.diff ins', { hasText: 'Line 1 of' }).waitFor();

    // Back up to "Restore v1", open the dialog and confirm, keys only.
    await tabTo(page, () => document.activeElement?.getAttribute('aria-label') === 'Restore v1', { back: true });
    await shot(page, 'history-07-keyboard-focus');
    const visible = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.notEqual(visible, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Restore v1?' });
    await dialog.waitFor();
    await tabTo(page, () => document.activeElement?.textContent?.trim() === 'Restore', { max: 5 });
    await page.keyboard.press('Enter');
    await page.getByText(/Restored v1\./).waitFor();
    assert.equal(await serverText('introduction'), `${intro0} Typed in the editor.`);
    // Escape-free: focus went back to the button that opened the dialog.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Restore v1');
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('author text holding markup shows as text, never runs', async () => {
    const page = A.page;
    const b = await ana.api.get(`/api/briefs/${brief.id}`);
    await ana.api.patch(`/api/briefs/${brief.id}`, {
      title: `${title} ${IMG}`,
      sections: b.sections.map((s) => (s.key === 'introduction' ? { key: s.key, title: `Intro ${SCRIPT}` } : { key: s.key })),
    });
    await putText('introduction', `${intro0} Typed in the editor. ${IMG} and ${SCRIPT} end.`);
    await ana.api.post(`/api/briefs/${brief.id}/versions`, { label: `Label ${IMG}` });
    await putText('introduction', `${intro0} Typed in the editor. ${IMG} and ${SCRIPT} end. ${SCRIPT}`);

    await page.goto(hash('?from=v1&to=current'));
    await page.locator('.diff ins', { hasText: IMG }).waitFor();
    const ins = await texts(page, 'ins');
    assert.ok(ins.some((t) => t.includes(IMG)), JSON.stringify(ins));
    assert.ok(ins.some((t) => t.includes(SCRIPT)), JSON.stringify(ins));
    await page.getByRole('heading', { level: 4, name: `Intro ${SCRIPT}` }).waitFor();
    await page.locator('.badge', { hasText: 'Renamed from “Introduction”' }).waitFor();
    await page.locator('[data-version="v2"]', { hasText: `Label ${IMG}` }).waitFor();
    await page.getByRole('heading', { level: 2, name: `${title} ${IMG}` }).waitFor();
    // The select shows the label as text too.
    assert.ok((await page.locator('#hv-from option[value="v2"]').innerText()).includes(IMG));
    const injected = await page.evaluate(() => ({
      xss: /** @type {any} */ (window).__xss,
      imgs: document.querySelectorAll('img[src="x"]').length,
      scripts: [...document.querySelectorAll('main script')].length,
    }));
    assert.deepEqual(injected, { xss: undefined, imgs: 0, scripts: 0 });
    await shot(page, 'history-08-markup-as-text');
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('export the current text as a PDF with the DRAFT mark', async () => {
    const page = A.page;
    const opener = page.getByRole('button', { name: 'Export PDF' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Export PDF' });
    await dialog.waitFor();
    await dialog.locator('label', { hasText: 'First draft' }).waitFor();
    const current = dialog.getByLabel(/Current text/);
    assert.equal(await current.isChecked(), true);
    await dialog.getByText(/Drafts carry a DRAFT mark on every page/).waitFor();
    await shot(page, 'history-09-export-dialog');

    // Hold the request a moment to see the progress bar while the PDF is made (no length known yet).
    const pdfRoute = `**/api/briefs/${brief.id}/export.pdf*`;
    await page.route(pdfRoute, async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    const downloaded = page.waitForEvent('download', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const bar = dialog.getByRole('progressbar');
    await bar.waitFor({ timeout: 5000 });
    assert.equal(await bar.getAttribute('aria-valuenow'), null, 'indeterminate while the PDF is made');
    await dialog.getByText('Making the PDF…').waitFor();
    await shot(page, 'history-10-exporting');
    const download = await downloaded;
    await page.unroute(pdfRoute);
    const name = download.suggestedFilename();
    assert.match(name, /^[a-z0-9-]+\.pdf$/, name);
    assert.ok(name.startsWith('housing-first-for-european-cities'), name);
    const file = join(downloads, name);
    await download.saveAs(file);
    assert.ok((await stat(file)).size > 1000);
    const { stdout } = await run('pdftotext', ['-layout', file, '-'], { timeout: 30_000 });
    const flat = stdout.replace(/\s+/g, ' ');
    assert.ok(flat.includes('Housing first for European cities') || flat.toUpperCase().includes('HOUSING FIRST FOR EUROPEAN CITIES'), flat.slice(0, 400));
    assert.ok(stdout.includes('DRAFT'), 'every draft page carries DRAFT');
    const link = dialog.getByRole('link', { name: `Download ${name}` });
    await link.waitFor();
    assert.equal(await link.getAttribute('download'), name);
    assert.match((await link.getAttribute('href')) ?? '', /^blob:/);
    await shot(page, 'history-11-exported');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Export PDF', 'focus is back on the opener');
    assert.deepEqual(takeConsoleErrors(A), []);
  });

  test('the supervisor reads the history without the author’s buttons', async () => {
    // A submission and a decision: the supervisor gets "Your last review" and "Last submission".
    await ana.api.post(`/api/briefs/${brief.id}/submit`, {});
    await sam.api.post(`/api/briefs/${brief.id}/review`, { decision: 'request_changes', note: 'Please <b>cite</b> the sources.' });
    const page = S.page;
    await page.goto(hash());
    await page.getByRole('heading', { level: 3, name: 'Named versions' }).waitFor();
    await page.locator('[data-version="v1"]').waitFor();
    // The default comparison: the latest named version (the decision's) with the current text.
    await page.locator('.summary', { hasText: 'Changes requested 1' }).waitFor();
    await page.locator('.summary .sum', { hasText: 'No changes' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Restore/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Name version' }).count(), 0);
    assert.equal(await page.getByLabel('Name the current text').count(), 0);
    const changes = page.locator('.row', { hasText: 'Changes requested' });
    await changes.waitFor();
    assert.match(await changes.innerText(), /“Please <b>cite<\/b> the sources\.”/);
    const options = await page.locator('#hv-from option').evaluateAll((os) => os.map((o) => /** @type {HTMLOptionElement} */ (o).value));
    assert.ok(options.includes('lastReviewed') && options.includes('submitted'), JSON.stringify(options));

    await page.locator('[data-version="v1"]').getByRole('button', { name: 'Compare with current (v1)' }).click();
    await page.waitForURL(/from=v1&to=current/);
    await page.locator('.diff ins', { hasText: IMG }).waitFor();
    await page.locator('#hv-from').selectOption('lastReviewed');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(/from=lastReviewed&to=current/);
    await page.locator('.summary', { hasText: 'your last review' }).waitFor();
    await page.locator('.summary', { hasText: 'No changes' }).waitFor();
    await shot(page, 'history-12-supervisor');
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__xss), undefined);
    assert.deepEqual(takeConsoleErrors(S), []);
  });
});
