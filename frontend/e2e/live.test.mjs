// End-to-end: writing together. Two authors and a supervisor in three
// browser profiles open the same brief: typing shows up on the other
// screens within a second, the supervisor's typing becomes suggestions, presence
// shows per section, and a remote edit does not move the local cursor.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, editorText, openBrowser, shot, signIn, sleep, startServer, takeConsoleErrors, waitSaved } from './helpers.mjs';

describe('writing together', { timeout: 180_000 }, () => {
  let server;
  /** @type {any[]} */
  const browsers = [];
  let ana, ben, sam, brief;
  let A, B, S; // pages

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    ben = await addUser(admin, server.base, { email: 'ben@example.org', name: 'Ben Second', role: 'author' });
    sam = await addUser(admin, server.base, { email: 'sam@example.org', name: 'Sam Supervisor', role: 'supervisor' });
    brief = await ana.api.post('/api/briefs', { type: 'policy-options-brief', title: 'Housing first: options for cities' });
    await ana.api.post(`/api/briefs/${brief.id}/members`, { email: 'ben@example.org', role: 'author' });
    await ana.api.post(`/api/briefs/${brief.id}/members`, { email: 'sam@example.org', role: 'supervisor' });
    await ana.api.put(`/api/briefs/${brief.id}/sections/introduction`, {
      text: 'Cities across Europe are testing housing first.',
      baseVersion: 0,
    });
    for (const u of [ana, ben, sam]) {
      const b = await openBrowser();
      browsers.push(b);
      await signIn(b.page, u.login);
      await b.page.goto(`${server.base}/#/b/${brief.id}`);
      await b.page.locator('.cm-content').waitFor();
    }
    [A, B, S] = browsers.map((b) => b.page);
    for (const p of [A, B, S]) await waitSaved(p);
  });

  after(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
  });

  /** waitText waits until the page's editor holds `s`, returning the milliseconds it took. */
  async function waitText(page, s, timeout = 5000) {
    const t0 = Date.now();
    await page.waitForFunction(
      (want) => /** @type {any} */ (document.querySelector('[data-editor]'))?.editorView?.state.doc.toString().includes(want),
      s,
      { timeout, polling: 20 },
    );
    return Date.now() - t0;
  }

  test('an author types and the others see it within a second', async () => {
    await A.locator('.cm-content').click();
    await A.keyboard.press('Control+End');
    await A.keyboard.type(' Ana writes alpha.', { delay: 15 });
    const [tb, ts] = await Promise.all([waitText(B, 'Ana writes alpha.'), waitText(S, 'Ana writes alpha.')]);
    console.log(`# A → B ${tb} ms, A → S ${ts} ms (after the last key)`);
    assert.ok(tb < 1000 && ts < 1000, `seen after ${tb} / ${ts} ms`);

    await B.locator('.cm-content').click();
    await B.keyboard.press('Control+End');
    await B.keyboard.type(' Ben adds bravo.', { delay: 15 });
    const ta = await waitText(A, 'Ben adds bravo.');
    console.log(`# B → A ${ta} ms`);
    assert.ok(ta < 1000);
    await shot(A, 'live-01-author-a');
    await shot(B, 'live-02-author-b');
    await shot(S, 'live-03-supervisor');
  });

  test('both type at once and the texts converge', async () => {
    await A.keyboard.type(' Ana again.', { delay: 20 });
    await B.keyboard.press('Control+Home');
    const typingB = B.keyboard.type('Ben first. ', { delay: 20 });
    await typingB;
    for (const p of [A, B, S]) await waitText(p, 'Ana again.');
    for (const p of [A, B, S]) await waitText(p, 'Ben first. ');
    await Promise.all([waitSaved(A), waitSaved(B)]);
    const [ta, tb, ts] = await Promise.all([editorText(A), editorText(B), editorText(S)]);
    assert.equal(ta, tb);
    assert.equal(ta, ts);
    const server = (await ana.api.get(`/api/briefs/${brief.id}`)).sections.find((s) => s.key === 'introduction').text;
    assert.equal(server, ta);
    for (const w of ['Ana writes alpha.', 'Ben adds bravo.', 'Ana again.', 'Ben first. ']) {
      assert.equal(ta.split(w).length - 1, 1, `${w} once in ${ta}`);
    }
  });

  test('a remote edit does not move the local cursor', async () => {
    // Ana's cursor goes right after "alpha".
    const text = await editorText(A);
    const at = text.indexOf('alpha') + 'alpha'.length;
    await A.evaluate((pos) => {
      const v = /** @type {any} */ (document.querySelector('[data-editor]')).editorView;
      v.dispatch({ selection: { anchor: pos } });
      v.focus();
    }, at);
    // Ben writes at the very start, before Ana's cursor.
    await B.keyboard.press('Control+Home');
    await B.keyboard.type('Opening words. ', { delay: 10 });
    await waitText(A, 'Opening words. ');
    await A.keyboard.type('-X');
    const after = await editorText(A);
    assert.ok(after.includes('alpha-X.'), `Ana's typing landed at her cursor: ${after}`);
    // Remote edits are not in Ana's undo history: undo takes back "-X" only.
    await A.keyboard.press('Control+z');
    const undone = await editorText(A);
    assert.ok(undone.includes('Opening words. '), 'undo does not remove Ben’s words');
    assert.ok(!undone.includes('-X'));
  });

  test('the supervisor sees it live, suggests instead of editing, and everyone sees who is where', async () => {
    assert.equal(await S.locator('[data-editor]').getAttribute('data-suggesting'), '1');
    await S.getByText('your changes become suggestions for the authors').waitFor();
    const before = await editorText(A);
    await S.locator('.cm-content').click();
    await S.keyboard.press('Control+End');
    await S.keyboard.type(' zzz');
    // Shown to the supervisor as a proposed insertion, never sent as an edit.
    await S.locator('.cm-track-ins, .cm-sugg-ins').first().waitFor();
    await sleep(300);
    assert.equal(await editorText(A), before, 'the shared text is unchanged');
    // It reaches the authors as a suggestion instead.
    await A.locator('.cm-sugg-ins', { hasText: 'zzz' }).waitFor({ timeout: 5000 });
    assert.equal(await editorText(A), before);

    // Presence: Ben moves to another section; Ana sees him there and Sam in the introduction.
    await B.getByRole('navigation', { name: 'Outline' }).getByRole('button', { name: /^Policy options/ }).click();
    const outlineA = A.getByRole('navigation', { name: 'Outline' });
    await outlineA.locator('[data-key="policy-options"] [aria-label^="Here now"]').filter({ hasText: 'BS' }).waitFor();
    await outlineA.locator('[data-key="introduction"] [aria-label*="Sam Supervisor"]').waitFor();
    await A.getByText(/2 others here/).waitFor();
    await shot(A, 'live-04-presence');
    await shot(S, 'live-05-supervisor-readonly');
  });

  test('no console errors', () => {
    for (const b of browsers) assert.deepEqual(takeConsoleErrors(b), []);
  });
});
