// End-to-end: the link goes down. A TCP proxy owned by the test stands
// between the browsers and the server (context.setOffline leaves websockets
// open, so it cannot test this). Both authors keep typing while it is cut,
// one page is reloaded while cut (the service worker opens the app, the
// offline queue the brief), the link comes back: the texts converge and
// every typed word is there exactly once.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addUser,
  adminApi,
  editorText,
  NETWORK_NOISE,
  openBrowser,
  shot,
  signIn,
  sleep,
  startProxy,
  startServer,
  takeConsoleErrors,
  waitSaved,
  waitStatus,
} from './helpers.mjs';

describe('offline and back', { timeout: 180_000 }, () => {
  let server, proxy, ana, ben, brief;
  /** @type {any[]} */
  const browsers = [];
  let A, B;
  const url = () => `${proxy.base}/#/b/${brief.id}`;

  before(async () => {
    server = await startServer();
    proxy = await startProxy(server.base);
    const admin = await adminApi(server);
    ana = await addUser(admin, server.base, { email: 'ana@example.org', name: 'Ana Author', role: 'author' });
    ben = await addUser(admin, server.base, { email: 'ben@example.org', name: 'Ben Second', role: 'author' });
    brief = await ana.api.post('/api/briefs', { type: 'discussion-brief', title: 'Integration on the move' });
    await ana.api.post(`/api/briefs/${brief.id}/members`, { email: 'ben@example.org', role: 'author' });
    await ana.api.put(`/api/briefs/${brief.id}/sections/introduction`, { text: 'Shared start.', baseVersion: 0 });
    for (const u of [ana, ben]) {
      const b = await openBrowser();
      browsers.push(b);
      await signIn(b.page, proxy.rewrite(u.login));
      await b.page.goto(url());
      await b.page.locator('.cm-content').waitFor();
      await waitSaved(b.page);
      // The service worker has taken the page (it cached the app shell).
      await b.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 10_000 });
    }
    [A, B] = browsers.map((b) => b.page);
  });

  after(async () => {
    for (const b of browsers) await b.close();
    await proxy?.close();
    await server?.stop();
  });

  const words = {
    a: ['apple-one', 'apple-two', 'apple-three'],
    b: ['berry-one', 'berry-two'],
    reload: ['cherry-after-reload'],
  };

  test('cut: both keep typing, the indicator counts what waits', async () => {
    proxy.cut();
    await Promise.all([waitStatus(A, 'offline'), waitStatus(B, 'offline')]);
    await A.locator('.cm-content').click();
    await A.keyboard.press('Control+End');
    for (const w of words.a) await A.keyboard.type(` ${w}`, { delay: 10 });
    await B.locator('.cm-content').click();
    await B.keyboard.press('Control+Home');
    for (const w of words.b) await B.keyboard.type(`${w} `, { delay: 10 });
    await sleep(400); // the queue is written within ~150 ms
    const status = A.locator('[role="status"][data-state="offline"]');
    const label = await status.innerText();
    assert.match(label, /Offline · \d+ edits? waiting/, label);
    assert.ok(Number(await status.getAttribute('data-waiting')) > 0);
    await shot(A, 'offline-01-a-cut');
    await shot(B, 'offline-02-b-cut');
    // Nothing reached the server.
    const text = (await ana.api.get(`/api/briefs/${brief.id}`)).sections[0].text;
    assert.equal(text, 'Shared start.');
  });

  test('a reload while cut opens the brief from this device', async () => {
    await A.reload();
    try {
      await A.locator('.cm-content').waitFor();
    } catch (e) {
      await shot(A, 'offline-03-a-reload-failed');
      const dump = await A.evaluate(
        () =>
          new Promise((res) => {
            const r = indexedDB.open('briefstudio-sync');
            r.onsuccess = () => {
              const db = r.result;
              const tx = db.transaction(['briefs', 'sections']);
              const a = tx.objectStore('briefs').getAll();
              const b = tx.objectStore('sections').getAll();
              tx.oncomplete = () => res(JSON.stringify({ briefs: a.result, sections: b.result }).slice(0, 2000));
            };
            r.onerror = () => res(String(r.error));
          }),
      );
      console.log('# idb', dump);
      throw new Error(`${e.message}\npage: ${await A.locator('body').innerText()}\nconsole: ${browsers[0].consoleErrors.join('\n')}`);
    }
    await A.getByText('Opened from this device').waitFor();
    const t = await editorText(A);
    for (const w of words.a) assert.ok(t.includes(w), `${w} survived the reload: ${t}`);
    await waitStatus(A, 'offline');
    await A.locator('.cm-content').click();
    await A.keyboard.press('Control+End');
    for (const w of words.reload) await A.keyboard.type(` ${w}`, { delay: 10 });
    await sleep(300);
    await shot(A, 'offline-03-a-reloaded');
  });

  test('the link comes back: texts converge, every word exactly once', async () => {
    // Browser messages about refused connections while cut are not app errors.
    for (const b of browsers) takeConsoleErrors(b, NETWORK_NOISE);
    proxy.restore();
    const t0 = Date.now();
    await Promise.all([waitSaved(A, 20_000), waitSaved(B, 20_000)]);
    console.log(`# back online and converged ${Date.now() - t0} ms after the link returned`);
    await sleep(300); // let a last update settle
    const [ta, tb] = await Promise.all([editorText(A), editorText(B)]);
    const ts = (await ana.api.get(`/api/briefs/${brief.id}`)).sections[0].text;
    assert.equal(ta, tb, 'both screens show the same text');
    assert.equal(ta, ts, 'and it is the server’s');
    for (const w of [...words.a, ...words.b, ...words.reload, 'Shared start.']) {
      assert.equal(ts.split(w).length - 1, 1, `“${w}” exactly once in ${JSON.stringify(ts)}`);
    }
    await waitStatus(A, 'online');
    await shot(A, 'offline-04-a-back');
    await shot(B, 'offline-05-b-back');
    for (const b of browsers) assert.deepEqual(takeConsoleErrors(b, NETWORK_NOISE), []);
  });
});
