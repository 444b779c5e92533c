// Helpers for the end-to-end tests: the real server binary, started and
// stopped by PID, and Debian's Chromium driven by playwright-core.

import { spawn, execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root. */
export const repoDir = resolve(frontendDir, '..');

/** The server binary under test: $BRIEFSTUDIO_BIN, else build/bin/briefstudio-server. */
export const serverBin = process.env.BRIEFSTUDIO_BIN
  ? resolve(process.env.BRIEFSTUDIO_BIN)
  : resolve(repoDir, 'build/bin/briefstudio-server');

/** Where screenshots go. */
export const shotsDir = resolve(repoDir, 'build/e2e');

/** The browser: $CHROMIUM, else Debian's chromium. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * spawnServer runs `BIN CMD --addr 127.0.0.1:0 --data DIR` over a fresh data
 * directory and waits until `ready(output)` returns a value (what the server
 * printed that the caller needs), the process ends, or 30 s pass.
 * @template T
 * @param {string} cmd
 * @param {(stdout: string, stderr: string) => T | null} ready
 * @returns {Promise<{child: import('node:child_process').ChildProcess, dataDir: string, found: T, output: () => string, stop: () => Promise<void>}>}
 */
async function spawnServer(cmd, ready) {
  try {
    await access(serverBin, constants.X_OK);
  } catch {
    throw new Error(`${serverBin} is missing: build it with \`make server\` or set BRIEFSTUDIO_BIN`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), `briefstudio-e2e-${cmd}-`));
  // Port 0: the kernel picks a free port and the server prints the URL it got.
  const child = spawn(serverBin, [cmd, '--addr', '127.0.0.1:0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const spawnError = new Promise((_, rej) => child.once('error', rej));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    let found;
    try {
      found = ready(out, err);
    } catch (e) {
      await stop();
      throw new Error(`${serverBin} ${cmd}: ${/** @type {Error} */ (e).message}:\n${out}${err}`);
    }
    if (found !== null && found !== undefined) return { child, dataDir, found, output: () => out + err, stop };
    const done = await Promise.race([exited, spawnError, sleep(50).then(() => null)]).catch((e) => ({ error: e }));
    if (done) {
      await stop();
      throw new Error(`${serverBin} ${cmd} ended before it was ready (${JSON.stringify(done)}):\n${out}${err}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${serverBin} ${cmd} was not ready within 30 s:\n${out}${err}`);
    }
  }
}

/**
 * startServer runs `BIN serve` on a free loopback port over a fresh data
 * directory and waits for the login link it prints on first run.
 * @returns {Promise<{pid:number, base:string, link:string, dataDir:string, output:()=>string, run:(args:string[])=>Promise<string>, stop:()=>Promise<void>}>}
 */
export async function startServer() {
  // serve prints its login link on stdout or stderr.
  const s = await spawnServer('serve', (out, err) => (out + err).match(/https?:\/\/[^\s]+\/login\?token=[^\s]+/)?.[0] ?? null);
  const link = s.found;
  const base = new URL(link).origin;
  await waitHealthy(base);
  const run = async (args) => {
    const { stdout } = await promisify(execFile)(serverBin, [...args, '--data', s.dataDir], { timeout: 30_000 });
    return stdout;
  };
  return { pid: /** @type {number} */ (s.child.pid), base, link, dataDir: s.dataDir, output: s.output, run, stop: s.stop };
}

/**
 * startEmbedded runs `BIN embedded`: the desktop's embedded server without a
 * window (the local user's session, workspaces, the UI store), on a free
 * loopback port over a fresh data directory, and reads the JSON line it
 * prints: its URL and the bootstrap the desktop façade would hand the UI.
 * @returns {Promise<{pid:number, url:string, bootstrap:{sessionToken:string, user:{id:number,email:string,name:string,role:string}, wsURL:string, version:string, mode:'desktop'}, dataDir:string, output:()=>string, stop:()=>Promise<void>}>}
 */
export async function startEmbedded() {
  const s = await spawnServer('embedded', (out) => {
    const nl = out.indexOf('\n');
    return nl < 0 ? null : JSON.parse(out.slice(0, nl));
  });
  const line = s.found;
  await waitHealthy(line.url);
  return { pid: /** @type {number} */ (s.child.pid), url: line.url, bootstrap: line.bootstrap, dataDir: s.dataDir, output: s.output, stop: s.stop };
}

async function waitHealthy(base) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/api/health did not answer within 15 s`);
    await sleep(50);
  }
}

/**
 * openBrowser starts headless Chromium with its own profile directory and
 * records console errors and uncaught page errors.
 */
export async function openBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'briefstudio-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  /** @type {string[]} */
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  const close = async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { context, page, consoleErrors, close };
}

/** shot saves a full-page screenshot to build/e2e/NAME.png and returns its path. */
export async function shot(page, name) {
  await mkdir(shotsDir, { recursive: true });
  const path = join(shotsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** sleep waits ms milliseconds. */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * api returns a small REST client for the server with a bearer token.
 * @param {string} base
 * @param {string} token
 */
export function api(base, token) {
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    token,
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b ?? {}),
    put: (p, b) => call('PUT', p, b),
    patch: (p, b) => call('PATCH', p, b),
    del: (p) => call('DELETE', p),
  };
}

/**
 * adminApi signs in with the server's first login link (which it uses up) and
 * returns an API client with that session.
 */
export async function adminApi(server) {
  const token = new URL(server.link).searchParams.get('token');
  const res = await fetch(`${server.base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  const { sessionToken } = await res.json();
  return api(server.base, sessionToken);
}

/**
 * addUser creates a user through the admin API and returns {user, token, login, api}.
 */
export async function addUser(admin, base, { email, name, role }) {
  const out = await admin.post('/api/users', { email, name, role });
  return { ...out, api: api(base, out.token) };
}

/**
 * startProxy puts a TCP proxy owned by the test in front of the server:
 * cut() closes every connection and refuses new ones (the link is down),
 * restore() lets connections through again.
 */
export async function startProxy(targetBase) {
  const net = await import('node:net');
  const target = new URL(targetBase);
  const sockets = new Set();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    base: `http://127.0.0.1:${port}`,
    /** rewrite turns a server URL into the same URL through the proxy. */
    rewrite: (u) => u.replace(targetBase, `http://127.0.0.1:${port}`),
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise((res) => {
        up = false;
        for (const s of sockets) s.destroy();
        server.close(() => res(undefined));
      }),
  };
}

/** assertNoConsoleErrors fails when the page logged an error (minus allowed patterns). */
export function takeConsoleErrors(browser, allow = []) {
  return browser.consoleErrors.splice(0).filter((e) => !allow.some((re) => re.test(e)));
}

/** editorText reads the text of the open section editor (CodeMirror). */
export async function editorText(page) {
  return page.locator('[data-editor]').evaluate((el) => /** @type {any} */ (el).editorView.state.doc.toString());
}

/** signIn opens a login link and waits for the list of briefs. */
export async function signIn(page, link) {
  await page.goto(link);
  await page.getByRole('heading', { level: 2, name: 'Briefs' }).waitFor();
}

/** linkOf finds the login link in `briefstudio user` output or an API answer. */
export function linkOf(s) {
  const m = String(s).match(/https?:\/\/\S+\/login\?token=\S+/);
  if (!m) throw new Error(`no login link in ${s}`);
  return m[0];
}

/** waitStatus waits until the connection indicator shows `state` (online, syncing, offline, connecting). */
export async function waitStatus(page, state, timeout = 10_000) {
  await page.locator(`[role="status"][data-state="${state}"]`).waitFor({ timeout });
}

/** waitSaved waits until the page is online with nothing waiting. */
export async function waitSaved(page, timeout = 15_000) {
  await page.locator('[role="status"][data-state="online"][data-waiting="0"]').waitFor({ timeout });
}

/** Browser messages about connections refused while the test holds the link down (not app errors). */
export const NETWORK_NOISE = [/ERR_CONNECTION_REFUSED/, /ERR_CONNECTION_RESET/, /ERR_EMPTY_RESPONSE/, /WebSocket connection to .* failed/, /Failed to load resource/];
