// End-to-end: the desktop app's workspaces, in Chromium. The Wails window
// cannot be driven by Playwright, but the same UI runs in a browser once the
// page has a `window.go.app.App` and talks to a real embedded server
// configured as the desktop's (`briefstudio embedded`, from the server
// binary). The stand-in façade has no SavePDF or ImportMarkdown: the UI
// takes its browser paths for those. A real shared server (`serve`) sits
// behind a TCP proxy owned by the test, so the link can be cut and restored.
//
// This computer: a brief is written. Workspaces: a bad link and a used one
// are refused with a clear message, a real one adds the shared server. The
// brief is shared there with its history; it is edited, the link is cut,
// editing goes on, the page is reloaded (an app restart for the UI: the
// queue comes back from the embedded server's disk), the link comes back and
// every word reaches the shared server exactly once. This computer's copy
// stays.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  addUser,
  adminApi,
  api,
  editorText,
  NETWORK_NOISE,
  openBrowser,
  shot,
  sleep,
  startEmbedded,
  startProxy,
  startServer,
  takeConsoleErrors,
  waitSaved,
  waitStatus,
} from './helpers.mjs';

describe('desktop workspaces', { timeout: 120_000 }, () => {
  let shared, proxy, ana, emb, local, browser, page;
  let localId = '';
  let sharedId = '';
  let workspaceId = '';
  const title = 'Skills partnerships with third countries';
  const serverName = 'Consortium server';
  const words = {
    local: ['local-alpha', 'local-beta'],
    shared: ['shared-gamma'],
    cut: ['cut-delta', 'cut-epsilon'],
    reload: ['reload-zeta'],
  };

  const switcher = () => page.getByRole('combobox', { name: 'Workspace' });
  const selectedName = () => switcher().evaluate((el) => /** @type {HTMLSelectElement} */ (el).selectedOptions[0]?.textContent ?? '');

  /** typeAtEnd types each word, space first, at the end of the open section. */
  async function typeAtEnd(list) {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    for (const w of list) await page.keyboard.type(` ${w}`, { delay: 5 });
  }

  before(async () => {
    shared = await startServer();
    proxy = await startProxy(shared.base);
    const admin = await adminApi(shared);
    ana = await addUser(admin, shared.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    emb = await startEmbedded();
    local = api(emb.url, emb.bootstrap.sessionToken);
    browser = await openBrowser();
    page = browser.page;
    // The desktop façade, as app.App binds it, minus the native dialogs.
    await browser.context.addInitScript((bootstrap) => {
      window.go = {
        app: {
          App: {
            Bootstrap: async () => bootstrap,
            Ready: async () => {},
            SetTitle: async () => {},
            Notify: async () => {},
            TakeOpenFiles: async () => [],
          },
        },
      };
    }, emb.bootstrap);
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await emb?.stop();
    await shared?.stop();
  });

  test('a. This computer: the switcher, a new brief, typing', async () => {
    await page.goto(`${emb.url}/`);
    await page.getByRole('heading', { level: 2, name: 'Briefs' }).waitFor();
    assert.equal(await selectedName(), 'This computer');
    assert.deepEqual(await switcher().locator('option').allTextContents(), ['This computer', 'Add a shared server…']);
    // No sign-in, no sign-out: the local user of the bootstrap.
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    await page.getByLabel('Type').selectOption('discussion-brief');
    await page.getByLabel('Title').fill(title);
    await page.getByRole('button', { name: 'Create brief' }).click();
    await page.getByRole('row').filter({ hasText: title }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 2, name: title }).waitFor();
    localId = new URL(page.url()).hash.split('/')[2];
    await page.getByText('on This computer').waitFor();
    await typeAtEnd(words.local);
    await waitSaved(page);
    const text = (await local.get(`/api/briefs/${localId}`)).sections[0].text;
    for (const w of words.local) assert.ok(text.includes(w), `${w} is on this computer: ${text}`);
    // Without ImportMarkdown in the façade, importing takes the browser's file input.
    await page.goto(`${emb.url}/#/`);
    await page.getByRole('button', { name: /Import/ }).first().click();
    await page.locator('dialog[open] input[type="file"]').waitFor();
    await page.keyboard.press('Escape');
    await shot(page, 'desktop-01-local-brief');
    assert.deepEqual(takeConsoleErrors(browser), []);
  });

  test('b. Workspaces: bad links are explained, a real one adds the server', async () => {
    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('heading', { level: 2, name: 'Workspaces' }).waitFor();
    const linkField = page.getByLabel('Login link');
    const add = page.getByRole('button', { name: 'Add server' });
    const error = page.locator('#ws-error');

    await linkField.fill(`${proxy.base}/briefs`);
    await add.click();
    await error.waitFor();
    assert.match(await error.innerText(), /not a login link/i);
    assert.equal(await linkField.getAttribute('aria-invalid'), 'true');

    // The first admin's link was used by the test: the shared server refuses it (401),
    // which must not end the local session.
    await linkField.fill(proxy.rewrite(shared.link));
    await add.click();
    await page.getByText(/already used or has expired/).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Brief Studio cannot continue' }).count(), 0);
    await shot(page, 'desktop-02-bad-links');

    await linkField.fill(proxy.rewrite(ana.login));
    await page.getByLabel('Name (optional)').fill(serverName);
    await add.click();
    await page.getByText(`Added “${serverName}” as Ana Author.`).waitFor();
    assert.equal(await error.count(), 0);
    const card = page.getByRole('list', { name: 'Workspaces' }).getByRole('listitem').filter({ hasText: serverName });
    await card.locator('[data-state="online"]').waitFor();
    assert.ok((await card.innerText()).includes(proxy.base), 'listed with the address it was added by');
    const list = await local.get('/api/workspaces');
    assert.equal(list.length, 2);
    workspaceId = list[1].id;
    assert.equal(list[1].online, true);
    assert.equal(list[1].user.email, 'ana@example.org');
    // The switcher offers it.
    assert.ok((await switcher().locator('option').allTextContents()).includes(serverName));
    await shot(page, 'desktop-03-workspace-added');
    // The two refused links answered 400 and 401, which the browser logs; nothing else.
    assert.deepEqual(takeConsoleErrors(browser, [/status of 40[01] .* @ http:\/\/127\.0\.0\.1:\d+\/api\/workspaces$/]), []);
  });

  test('c. share the brief to the shared server, with its history', async () => {
    await page.goto(`${emb.url}/#/b/${localId}`);
    await page.locator('.cm-content').waitFor();
    await page.getByRole('button', { name: 'More ▾' }).click();
    await page.getByRole('menuitem', { name: 'Share to a server…' }).click();
    const dialog = page.getByRole('dialog', { name: `Share “${title}” to a server` });
    await dialog.waitFor();
    assert.match(await dialog.getByLabel('Server').locator('option:checked').innerText(), new RegExp(serverName));
    await shot(page, 'desktop-04-share-dialog');
    await dialog.getByRole('button', { name: 'Share' }).click();
    await page.getByText(`is now on ${serverName}`).waitFor();
    sharedId = new URL(page.url()).hash.split('/')[2];
    assert.ok(sharedId && sharedId !== localId, `a new brief opened: ${page.url()}`);
    assert.equal(await selectedName(), serverName);
    await page.getByText(`on ${serverName}`, { exact: true }).waitFor();
    await page.locator('.cm-content').waitFor();
    await waitSaved(page);

    const [lb, sb] = await Promise.all([local.get(`/api/briefs/${localId}`), ana.api.get(`/api/briefs/${sharedId}`)]);
    assert.equal(sb.title, title);
    assert.deepEqual(
      sb.sections.map((s) => [s.key, s.text]),
      lb.sections.map((s) => [s.key, s.text]),
    );
    const [lr, sr] = await Promise.all([local.get(`/api/briefs/${localId}/revisions`), ana.api.get(`/api/briefs/${sharedId}/revisions`)]);
    assert.ok(lr.length > 0, 'typing on this computer made a revision');
    assert.equal(sr.length, lr.length, 'the same number of revisions');
    const [lv, sv] = await Promise.all([local.get(`/api/briefs/${localId}/versions`), ana.api.get(`/api/briefs/${sharedId}/versions`)]);
    assert.equal(sv.length, lv.length, 'the same named versions');
    // On the shared server the brief is Ana's, and the header says who she is there.
    assert.equal(sb.role, 'author');
    assert.match(await page.locator('header.bar .who').innerText(), /Ana Author/);
    assert.equal(await page.getByRole('link', { name: 'Brand profile' }).count(), 0, 'Ana is no admin there');
    // The title is not cut to make room for the workspace's name.
    const cut = await page.locator('.brief-title').evaluate((el) => el.scrollWidth > el.clientWidth);
    assert.equal(cut, false, 'the brief’s title is shown whole');
    await shot(page, 'desktop-05-shared');
    assert.deepEqual(takeConsoleErrors(browser), []);
  });

  test('d. the link to the shared server is cut, the app restarts, the link comes back', async () => {
    await typeAtEnd(words.shared);
    await waitSaved(page);
    assert.deepEqual(takeConsoleErrors(browser), []);

    proxy.cut();
    await waitStatus(page, 'offline', 10_000);
    await typeAtEnd(words.cut);
    const status = page.locator('[role="status"][data-state="offline"]');
    await page.waitForFunction(() => Number(document.querySelector('[role="status"][data-state]')?.getAttribute('data-waiting')) > 0);
    assert.match(await status.innerText(), /Offline · \d+ edits? waiting/);
    await shot(page, 'desktop-06-cut');

    // The queue is on disk, through the embedded server (not the browser's storage).
    const uistore = join(emb.dataDir, 'uistore');
    let onDisk = '';
    for (const end = Date.now() + 5000; Date.now() < end; await sleep(100)) {
      onDisk = '';
      for (const f of await readdir(uistore).catch(() => [])) onDisk += await readFile(join(uistore, f), 'utf8').catch(() => '');
      if (words.cut.every((w) => onDisk.includes(w))) break;
    }
    for (const w of words.cut) assert.ok(onDisk.includes(w), `${w} is in ${uistore}`);

    // An app restart, for the UI: the page starts again from the façade's bootstrap.
    await page.reload();
    await page.locator('.cm-content').waitFor();
    await page.getByText('Opened from this device').waitFor();
    assert.equal(await selectedName(), `${serverName} (offline)`);
    const t = await editorText(page);
    for (const w of [...words.local, ...words.shared, ...words.cut]) assert.ok(t.includes(w), `${w} came back from disk: ${t}`);
    await waitStatus(page, 'offline');
    // The desktop's relay says why: the shared server, not this computer, is out of reach.
    await page.getByRole('alert').filter({ hasText: /^The shared server .* cannot be reached/ }).waitFor();
    await typeAtEnd(words.reload);
    await sleep(300); // the queue is written within ~150 ms
    await shot(page, 'desktop-07-reloaded-cut');
    const before = (await ana.api.get(`/api/briefs/${sharedId}`)).sections[0].text;
    for (const w of [...words.cut, ...words.reload]) assert.ok(!before.includes(w), `${w} did not reach the server while cut`);

    // Refused connections while cut are not app errors; anything else is.
    assert.deepEqual(takeConsoleErrors(browser, NETWORK_NOISE), []);
    proxy.restore();
    const t0 = Date.now();
    await waitSaved(page, 20_000);
    console.log(`# back online and saved ${Date.now() - t0} ms after the link returned`);
    await sleep(200);
    const ts = (await ana.api.get(`/api/briefs/${sharedId}`)).sections[0].text;
    assert.equal(await editorText(page), ts, 'the screen shows the server’s text');
    for (const w of [...words.local, ...words.shared, ...words.cut, ...words.reload]) {
      assert.equal(ts.split(w).length - 1, 1, `“${w}” exactly once in ${JSON.stringify(ts)}`);
    }
    // The switcher no longer says offline, and the cut's notices are gone.
    await page.waitForFunction((name) => {
      const sel = /** @type {HTMLSelectElement | null} */ (document.querySelector('header select'));
      return sel?.selectedOptions[0]?.textContent === name;
    }, serverName);
    assert.equal(await page.getByText('Opened from this device').count(), 0);
    assert.equal(await page.getByText(/cannot be reached/).count(), 0, 'the relay’s notice went with the cut');
    await shot(page, 'desktop-08-back');

    // Without SavePDF in the façade, Export PDF is the browser's download (made by the shared server, through the proxy).
    await page.getByRole('button', { name: 'Export PDF' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export PDF' });
    await dialog.waitFor();
    const downloaded = page.waitForEvent('download', { timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const download = await downloaded;
    assert.match(download.suggestedFilename(), /^skills-partnerships-with-third-countries.*\.pdf$/);
    const pdf = await readFile(/** @type {string} */ (await download.path()));
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    await dialog.getByRole('link', { name: /^Download / }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('e. back on This computer, the local copy is still there', async () => {
    await switcher().selectOption('local');
    await page.getByRole('heading', { level: 2, name: 'Briefs' }).waitFor();
    assert.equal(await selectedName(), 'This computer');
    await page.getByRole('row').filter({ hasText: title }).getByRole('link', { name: title }).click();
    await page.getByText('on This computer').waitFor();
    await page.locator('.cm-content').waitFor();
    await waitSaved(page);
    assert.equal(new URL(page.url()).hash.split('/')[2], localId);
    const t = await editorText(page);
    for (const w of words.local) assert.ok(t.includes(w), `${w} stays on this computer`);
    for (const w of [...words.shared, ...words.cut, ...words.reload]) assert.ok(!t.includes(w), `${w} was typed on the shared server only`);
    assert.equal(t, (await local.get(`/api/briefs/${localId}`)).sections[0].text);
    await shot(page, 'desktop-09-local-again');
  });

  test('f. no console errors since the link came back', () => {
    // Each step above checked its own; the rest of the run logged none.
    assert.deepEqual(takeConsoleErrors(browser), []);
  });
});
