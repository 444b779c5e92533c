// End-to-end: review in two browser profiles. A supervisor comments on a
// passage and suggests changes by typing in suggest mode; the author sees
// highlights and threads live, replies, resolves, accepts and rejects,
// meets a conflict; then the workflow: submit, request changes, submit
// again, approve, and "changes since your review". Stored-XSS attempts in
// a comment, a note and a title stay text. Keyboard-only for one comment.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addUser, adminApi, editorText, openBrowser, shot, signIn, startServer, takeConsoleErrors, waitSaved } from './helpers.mjs';

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

describe('review: comments, suggestions, decisions', { timeout: 240_000 }, () => {
  let server, ana, sam, brief;
  /** @type {any} */ let A;
  /** @type {any} */ let S;
  let pa, ps; // pages

  before(async () => {
    server = await startServer();
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    sam = await addUser(admin, server.base, { email: 'sam@example.org', name: 'Sam Supervisor', role: 'supervisor' });
    brief = await ana.api.post('/api/briefs', { type: 'discussion-brief', title: `Housing first ${XSS}` });
    await ana.api.post(`/api/briefs/${brief.id}/members`, { email: 'sam@example.org', role: 'supervisor' });
    await ana.api.put(`/api/briefs/${brief.id}/sections/introduction`, {
      text: 'Cities across Europe are testing housing first. The evidence is strong.',
      baseVersion: 0,
    });
    A = await openBrowser();
    S = await openBrowser();
    pa = A.page;
    ps = S.page;
    for (const [p, u] of [
      [pa, ana],
      [ps, sam],
    ]) {
      await signIn(p, u.login);
      await p.goto(`${server.base}/#/b/${brief.id}`);
      await p.locator('.cm-content').waitFor();
      await waitSaved(p);
    }
  });

  after(async () => {
    await A?.close();
    await S?.close();
    await server?.stop();
  });

  /** selectText selects the first occurrence of `s` in the page's editor. */
  async function selectText(page, s) {
    await page.locator('[data-editor]').evaluate((el, want) => {
      const v = /** @type {any} */ (el).editorView;
      const i = v.state.doc.toString().indexOf(want);
      if (i < 0) throw new Error(`no ${want} in the editor`);
      v.dispatch({ selection: { anchor: i, head: i + want.length } });
      v.focus();
    }, s);
  }

  /** cursorAfter puts the cursor just after `s`. */
  async function cursorAfter(page, s) {
    await page.locator('[data-editor]').evaluate((el, want) => {
      const v = /** @type {any} */ (el).editorView;
      const i = v.state.doc.toString().indexOf(want);
      if (i < 0) throw new Error(`no ${want} in the editor`);
      v.dispatch({ selection: { anchor: i + want.length } });
      v.focus();
    }, s);
  }

  /** noErrors: no console errors but the browser's log of the refused accept (409), which the page explains. */
  function noErrors() {
    const allow = [/status of 409 \(Conflict\).*\/accept$/];
    assert.deepEqual(takeConsoleErrors(A, allow), []);
    assert.deepEqual(takeConsoleErrors(S, allow), []);
  }

  test('the supervisor comments on a passage; the author sees it highlighted and threaded', async () => {
    assert.equal(await ps.locator('[data-editor]').getAttribute('data-suggesting'), '1');
    await selectText(ps, 'housing first');
    await ps.getByRole('button', { name: /^Comment on the selection/ }).click();
    const box = ps.getByLabel('Your comment');
    await box.fill(`Which programmes? ${XSS}`);
    await ps.getByRole('button', { name: 'Comment', exact: true }).click();
    await ps.locator('article[data-item^="comment:"]').first().waitFor();

    // Live on the author's screen: the highlight and the thread.
    const mark = pa.locator('.cm-comment');
    await mark.first().waitFor({ timeout: 5000 });
    assert.equal((await mark.allInnerTexts()).join(''), 'housing first');
    const thread = pa.locator('article[data-item^="comment:"]').first();
    await thread.waitFor();
    assert.match(await thread.innerText(), /Which programmes\? <img src=x onerror="window.__xss=1"><script>/);
    assert.equal(await pa.evaluate(() => /** @type {any} */ (window).__xss), undefined);
    await shot(pa, 'review-01-author-sees-comment');
    await shot(ps, 'review-02-supervisor-commented');

    // Linked both ways: a click on the highlight marks the thread, a click on the quote selects the text.
    await mark.first().click();
    await pa.locator('article.active[data-item^="comment:"]').waitFor();
    await thread.getByRole('button', { name: /housing first/ }).click();
    const sel = await pa.locator('[data-editor]').evaluate((el) => {
      const v = /** @type {any} */ (el).editorView;
      const r = v.state.selection.main;
      return v.state.sliceDoc(r.from, r.to);
    });
    assert.equal(sel, 'housing first');
    noErrors();
  });

  test('the anchor follows edits; reply, edit, resolve and reopen', async () => {
    // The author types before the commented words: the highlight stays on them.
    await cursorAfter(pa, 'Cities');
    await pa.keyboard.type(' and towns', { delay: 10 });
    await waitSaved(pa);
    await ps.waitForFunction(() => /** @type {any} */ (document.querySelector('[data-editor]')).editorView.state.doc.toString().includes('and towns'));
    assert.equal((await pa.locator('.cm-comment').allInnerTexts()).join(''), 'housing first');
    await ps.waitForFunction(() => [...document.querySelectorAll('.cm-comment')].map((e) => e.textContent).join('') === 'housing first');

    const thread = pa.locator('article[data-item^="comment:"]').first();
    await thread.getByRole('button', { name: 'Reply' }).click();
    await pa.getByLabel('Reply', { exact: true }).fill('The Helsinki and Vienna programmes.');
    await thread.getByRole('button', { name: 'Reply', exact: true }).click();
    const sThread = ps.locator('article[data-item^="comment:"]').first();
    await sThread.getByText('The Helsinki and Vienna programmes.').waitFor();

    // Edit own reply.
    await thread.getByRole('button', { name: 'Edit' }).click();
    await pa.getByLabel('Edit your comment').fill('The Helsinki, Vienna and Lisbon programmes.');
    await thread.getByRole('button', { name: 'Save' }).click();
    await sThread.getByText('The Helsinki, Vienna and Lisbon programmes.').waitFor();
    // The author may not edit the supervisor's comment: one Edit button only (their own).
    // (Once the saved reply is shown again with its buttons.)
    await thread.getByText('The Helsinki, Vienna and Lisbon programmes.').waitFor();
    await thread.getByRole('button', { name: 'Edit' }).first().waitFor();
    assert.equal(await thread.getByRole('button', { name: 'Edit' }).count(), 1);
    // Delete own: a second reply, then gone for both.
    await thread.getByRole('button', { name: 'Reply' }).click();
    await pa.getByLabel('Reply', { exact: true }).fill('A reply to take back.');
    await thread.getByRole('button', { name: 'Reply', exact: true }).click();
    await sThread.getByText('A reply to take back.').waitFor();
    await thread.getByRole('listitem').filter({ hasText: 'A reply to take back.' }).getByRole('button', { name: 'Delete' }).click();
    await sThread.getByText('A reply to take back.').waitFor({ state: 'detached' });

    await sThread.getByRole('button', { name: 'Resolve' }).click();
    await pa.locator('.cm-comment').waitFor({ state: 'detached' });
    await pa.getByText(/Show 1 resolved/).click();
    await thread.getByRole('button', { name: 'Reopen' }).click();
    await pa.locator('.cm-comment').first().waitFor();
    await shot(pa, 'review-03-thread');
    noErrors();
  });

  test('a comment whose text is deleted is listed as detached with its quote', async () => {
    await selectText(ps, 'The evidence is strong.');
    await ps.getByRole('button', { name: /^Comment on the selection/ }).click();
    await ps.getByLabel('Your comment').fill('Cite the evaluation.');
    await ps.keyboard.press('Control+Enter');
    await pa.getByText('Cite the evaluation.').waitFor();
    await selectText(pa, ' The evidence is strong.');
    await pa.keyboard.press('Delete');
    await waitSaved(pa);
    await pa.getByRole('heading', { name: /Detached/ }).waitFor({ timeout: 8000 });
    await pa.getByText('“The evidence is strong.”').waitFor();
    await shot(pa, 'review-04-detached');
    noErrors();
  });

  test('the supervisor types in suggest mode; the author accepts and rejects', async () => {
    // Insertion.
    await cursorAfter(ps, 'testing');
    await ps.keyboard.type(' and funding', { delay: 20 });
    // Shown as a tracked insertion at once, then sent as a suggestion.
    await ps.locator('.cm-track-ins, .cm-sugg-ins').first().waitFor();
    const card = pa.locator('article[data-item^="suggestion:"]');
    await pa.getByRole('tab', { name: /Suggestions/ }).click();
    await card.first().waitFor({ timeout: 8000 });
    assert.match(await card.first().innerText(), /Insert\s+and funding/);
    await pa.locator('.cm-sugg-ins').first().waitFor();
    assert.equal(await pa.locator('.cm-sugg-ins').first().innerText(), ' and funding');
    // The shared text did not change.
    assert.ok(!(await editorText(pa)).includes('and funding'));
    await shot(pa, 'review-05-suggestion-seen');
    await shot(ps, 'review-06-suggesting');

    // Replacement: select a word and type over it.
    await selectText(ps, 'Europe');
    await ps.keyboard.type('the EU', { delay: 20 });
    await card.nth(1).waitFor({ timeout: 8000 });
    assert.match(await card.nth(1).innerText(), /Replace\s+Europe\s+with\s+the EU/);

    await card.first().getByRole('button', { name: 'Accept' }).click();
    await pa.waitForFunction(() => /** @type {any} */ (document.querySelector('[data-editor]')).editorView.state.doc.toString().includes('testing and funding'));
    await ps.waitForFunction(() => /** @type {any} */ (document.querySelector('[data-editor]')).editorView.state.doc.toString().includes('testing and funding'));
    await card.filter({ hasText: 'the EU' }).getByRole('button', { name: 'Reject' }).click();
    await card.first().waitFor({ state: 'detached' });
    assert.ok((await editorText(pa)).includes('across Europe'));
    // The supervisor's text follows: no leftover tracked change.
    await ps.locator('.cm-sugg-ins, .cm-sugg-del').first().waitFor({ state: 'detached' });
    noErrors();
  });

  test('accepting a suggestion whose text changed is explained as a conflict; accept all', async () => {
    await selectText(ps, 'Cities');
    await ps.keyboard.type('Municipalities', { delay: 10 });
    const card = pa.locator('article[data-item^="suggestion:"]');
    await card.first().waitFor({ timeout: 8000 });
    // The author rewrites the same word before deciding.
    await selectText(pa, 'Cities');
    await pa.keyboard.type('Towns');
    await waitSaved(pa);
    await card.first().getByRole('button', { name: 'Accept' }).click();
    await card.first().getByRole('alert').waitFor();
    assert.match(await card.first().getByRole('alert').innerText(), /cannot be applied/i);
    await shot(pa, 'review-07-conflict');
    await card.first().getByRole('button', { name: 'Reject' }).click();
    await card.first().waitFor({ state: 'detached' });

    // Two more suggestions, then accept all.
    await cursorAfter(ps, 'testing and funding');
    await ps.keyboard.type(' widely', { delay: 10 });
    await ps.locator('[data-editor]').evaluate(() => new Promise((r) => setTimeout(r, 1800)));
    await cursorAfter(ps, 'housing first');
    await ps.keyboard.type(' schemes', { delay: 10 });
    await pa.waitForFunction(() => document.querySelectorAll('article[data-item^="suggestion:"]').length === 2, null, { timeout: 8000 });
    await pa.getByRole('button', { name: /Accept all/ }).click();
    await pa.waitForFunction(() => {
      const t = /** @type {any} */ (document.querySelector('[data-editor]')).editorView.state.doc.toString();
      return t.includes('funding widely') && t.includes('housing first schemes');
    });
    noErrors();
  });

  test('an author switches to suggesting and back', async () => {
    await pa.getByRole('radio', { name: 'Suggesting' }).click();
    await pa.locator('[data-editor][data-suggesting="1"]').waitFor();
    await cursorAfter(pa, 'schemes');
    await pa.keyboard.type(' everywhere', { delay: 10 });
    const card = ps.locator('article[data-item^="suggestion:"]', { hasText: 'everywhere' });
    await ps.getByRole('tab', { name: /Suggestions/ }).click();
    await card.waitFor({ timeout: 8000 });
    assert.match(await card.innerText(), /Ana Author/);
    assert.ok(!(await editorText(ps)).includes('everywhere'), 'a suggestion, not an edit');
    // A supervisor does not decide suggestions.
    assert.equal(await card.getByRole('button', { name: 'Accept' }).count(), 0);
    await pa.getByRole('radio', { name: 'Editing' }).click();
    await pa.locator('[data-editor][data-suggesting="0"]').waitFor();
    await pa.locator('article[data-item^="suggestion:"]', { hasText: 'everywhere' }).getByRole('button', { name: 'Reject' }).click();
    await card.waitFor({ state: 'detached' });
    // Editing again: typing is an edit everyone sees.
    await cursorAfter(pa, 'schemes');
    await pa.keyboard.type(' now', { delay: 10 });
    await ps.waitForFunction(() => /** @type {any} */ (document.querySelector('[data-editor]')).editorView.state.doc.toString().includes('schemes now'));
    noErrors();
  });

  test('keyboard only: a comment with the shortcut', async () => {
    await selectText(pa, 'Towns');
    await pa.keyboard.press('Control+Alt+m');
    const box = pa.getByLabel('Your comment');
    await box.waitFor();
    assert.equal(await box.evaluate((el) => el === document.activeElement), true);
    await pa.keyboard.type('Keyboard comment.');
    await pa.keyboard.press('Control+Enter');
    await ps.getByRole('tab', { name: /Comments/ }).click();
    await ps.getByText('Keyboard comment.').waitFor();
    // Tab reaches the thread's buttons, with a visible focus ring.
    const resolve = pa.locator('article', { hasText: 'Keyboard comment.' }).getByRole('button', { name: 'Resolve' });
    await resolve.focus();
    const outline = await resolve.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).boxShadow);
    assert.notEqual(outline, 'none none');
    await pa.keyboard.press('Enter');
    await pa.getByText(/Show \d+ resolved/).waitFor();
    noErrors();
  });

  test('workflow: submit, request changes, submit again, approve', async () => {
    await pa.getByRole('button', { name: 'Submit for review' }).click();
    await pa.getByRole('dialog').getByRole('button', { name: 'Submit for review' }).click();
    await pa.locator('.badge', { hasText: 'In review' }).waitFor();
    await ps.locator('.badge', { hasText: 'In review' }).waitFor();

    await ps.getByRole('button', { name: 'Request changes' }).click();
    const dlg = ps.getByRole('dialog');
    // A note is needed.
    await dlg.getByRole('button', { name: 'Request changes' }).click();
    await dlg.getByRole('alert').waitFor();
    await dlg.getByLabel(/Note/).fill(`Add the 2019 figures. ${XSS}`);
    await dlg.getByRole('button', { name: 'Request changes' }).click();
    await pa.locator('.badge', { hasText: 'Changes requested' }).waitFor();
    const note = pa.getByRole('note', { name: 'Last review step' });
    await note.waitFor();
    assert.match(await note.innerText(), /Sam Supervisor requested changes.*Add the 2019 figures\. <img/s);
    assert.equal(await pa.evaluate(() => /** @type {any} */ (window).__xss), undefined);
    await shot(pa, 'review-08-changes-requested');

    await cursorAfter(pa, 'schemes now');
    await pa.keyboard.type(' In 2019 there were 12 programmes.', { delay: 5 });
    await waitSaved(pa);
    await pa.getByRole('button', { name: 'Submit again' }).click();
    await pa.getByRole('dialog').getByRole('button', { name: 'Submit for review' }).click();
    await ps.locator('.badge', { hasText: 'In review' }).waitFor();

    // "Changes since your review" in one click: the diff shows the new sentence.
    await ps.getByRole('link', { name: 'Changes since your review' }).click();
    await ps.waitForURL(/history\?from=lastReviewed&to=current/);
    await ps.locator('ins', { hasText: '2019' }).first().waitFor({ timeout: 10_000 });
    await shot(ps, 'review-09-changed-since-review');
    await ps.goBack();
    await ps.locator('.cm-content').waitFor();

    await ps.getByRole('button', { name: 'Approve' }).click();
    await ps.getByRole('dialog').getByRole('button', { name: 'Approve this brief' }).click();
    await pa.locator('.badge', { hasText: 'Approved' }).waitFor();
    // The brief list shows it.
    await pa.goto(`${server.base}/#/`);
    await pa.getByRole('row').filter({ hasText: 'Housing first' }).getByText('Approved').waitFor();
    // The title with markup is text in the list.
    assert.match(await pa.getByRole('row').filter({ hasText: 'Housing first' }).innerText(), /<img src=x/);
    assert.equal(await pa.evaluate(() => /** @type {any} */ (window).__xss), undefined);
    const versions = await ana.api.get(`/api/briefs/${brief.id}/versions`);
    assert.deepEqual(
      versions.map((v) => v.kind),
      ['approve', 'submit', 'request_changes', 'submit'],
    );
    await shot(pa, 'review-10-list-approved');
    noErrors();
  });
});
