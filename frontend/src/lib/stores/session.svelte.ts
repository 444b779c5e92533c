// The session: who is signed in, how (login link in a browser, or the local
// user of the desktop window), and the API client that carries it.

import { ApiClient, ApiError, errorMessage } from '$lib/api/client';
import { desktopApp, type DesktopApp } from '$lib/api/desktop';
import { DiskStore } from '$lib/sync/diskqueue';
import { OfflineStore, type QueueStore } from '$lib/sync/queue';
import { LOCAL, workspacePrefix, workspaceWS, WorkspacesApi, type Workspace } from '$lib/api/workspaces';

/** Where the desktop remembers the workspace last shown. */
const WORKSPACE_KEY = 'briefstudio.workspace';
import { tokenFromInput, tokenFromLocation } from '$lib/api/login';
import type { User } from '$lib/api/types';

/** Where the app is: deciding, on the sign-in screen, signed in, or unable to start. */
export type Phase = 'starting' | 'signed-out' | 'signed-in' | 'failed';

/** A message to show: on the sign-in or failure screen, or above the briefs list. */
export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

interface Saved {
  token: string;
  expiresAt: string;
}

/** RENEW_BEFORE: a saved session ending sooner than this is renewed at start (sessions last 30 days). */
const RENEW_BEFORE = 7 * 24 * 3600 * 1000;

/** STORAGE_KEY is where a browser keeps its session token. */
export const STORAGE_KEY = 'briefstudio.session';

/** Session holds the signed-in state; create one per page (App.svelte). */
export class Session {
  phase = $state<Phase>('starting');
  /** Who is signed in; in the desktop, who the user is in the workspace shown (this computer's user, or their account on that shared server). */
  user = $state<User | null>(null);
  mode = $state<'web' | 'desktop'>('web');
  notice = $state<Notice | null>(null);
  /** Text to put back in the sign-in field (a link that could not be tried). */
  prefill = $state('');
  /** True while a sign-in request is in flight. */
  busy = $state(false);
  /** Server version (desktop: from Bootstrap). */
  version = $state('');
  /** Websocket URL of the embedded server (desktop only; for live sync). */
  wsURL = $state('');
  /** Signed in from the saved session while the server could not be reached. */
  offline = $state(false);
  /** Desktop: the workspace shown ("local" = this computer, else a shared server's id). */
  workspace = $state(LOCAL);
  /** Desktop: every workspace, as the embedded server lists them. */
  workspaces = $state<Workspace[]>([]);
  /** Desktop: the shared server of the current workspace refused its session (a new link is needed). */
  needsLogin = $state(false);

  readonly api: ApiClient;
  readonly desktop: DesktopApp | null;
  #token: string | null = null;
  /** Desktop: this computer's user (from the bootstrap). */
  #localUser: User | null = null;
  /** Desktop: a 401 is being checked against the embedded server. */
  #probing = false;

  constructor(desktop: DesktopApp | null = desktopApp()) {
    this.desktop = desktop;
    this.mode = desktop ? 'desktop' : 'web';
    this.api = new ApiClient({
      getToken: () => this.#token,
      onUnauthorized: () => this.#lost(),
    });
  }

  /** token is the session token (for the websocket's hello), or null. */
  get token(): string | null {
    return this.#token;
  }

  /** liveURL is the websocket URL of live sync: the embedded server's in the desktop, else this origin's. */
  liveURL(): string {
    if (this.wsURL) return workspaceWS(this.wsURL, this.workspace);
    const l = window.location;
    return `${l.protocol === 'https:' ? 'wss' : 'ws'}://${l.host}/api/ws`;
  }

  /** start decides how to sign in: desktop bootstrap, a login link in the URL, a saved session, or the sign-in screen. */
  async start(): Promise<void> {
    this.phase = 'starting';
    if (this.desktop) return this.#startDesktop(this.desktop);

    const linkToken = tokenFromLocation(window.location);
    if (linkToken) {
      const link = window.location.href;
      // Take the token out of the address bar (and history) before anything else.
      history.replaceState(history.state, '', '/');
      const err = await this.#login(linkToken, link);
      if (!err) return;
      // A dead link opened while a session is saved here: stay signed in, and say why the link did nothing.
      if (err.code !== 'network' && readSaved()) {
        const linkNotice = this.notice;
        const resumed = await this.#resume();
        if (resumed === 'signed-in') {
          this.notice = { kind: 'error', text: `${errorMessage(err)} You are still signed in.` };
          return;
        }
        if (resumed === 'failed') return;
        this.notice = linkNotice;
      }
      this.phase = 'signed-out';
      return;
    }
    await this.#resume();
  }

  /** signIn trades what the user pasted (a login link or a token) for a session. */
  async signIn(input: string): Promise<void> {
    const parsed = tokenFromInput(input);
    if ('error' in parsed) {
      this.notice = { kind: 'error', text: parsed.error };
      return;
    }
    await this.#login(parsed.token, input);
  }

  /** loadWorkspaces reads the desktop's workspaces (nothing in a browser). */
  async loadWorkspaces(): Promise<void> {
    if (!this.desktop) return;
    try {
      this.workspaces = await new WorkspacesApi(this.api).list();
      const cur = this.workspaces.find((w) => w.id === this.workspace);
      if (!cur) this.selectWorkspace(LOCAL);
      else {
        this.needsLogin = cur.needsLogin;
        this.#followUser();
      }
    } catch {
      // The list is shown again when the embedded server answers.
    }
  }

  /** selectWorkspace points the API and live sync at a workspace (desktop). */
  selectWorkspace(id: string): void {
    if (!this.desktop) return;
    this.workspace = id || LOCAL;
    this.api.setBaseURL(workspacePrefix(this.workspace));
    this.needsLogin = this.workspaces.find((w) => w.id === this.workspace)?.needsLogin ?? false;
    this.#followUser();
    try {
      localStorage.setItem(WORKSPACE_KEY, this.workspace);
    } catch {
      // a preference only
    }
  }

  /** #followUser makes `user` the account of the workspace shown (ids and roles differ from server to server). */
  #followUser(): void {
    const ws = this.workspace === LOCAL ? undefined : this.workspaces.find((w) => w.id === this.workspace);
    const u = ws?.user ?? this.#localUser;
    const cur = this.user;
    if (u && (!cur || cur.id !== u.id || cur.role !== u.role || cur.name !== u.name || cur.email !== u.email)) this.user = u;
  }

  /** openQueue opens the offline queue: the data folder in the desktop app (per workspace), else IndexedDB. */
  openQueue(): Promise<QueueStore> {
    if (this.desktop) return Promise.resolve(new DiskStore(this.api, this.workspace));
    return OfflineStore.open();
  }

  /** workspaceName names the current workspace. */
  get workspaceName(): string {
    return this.workspaces.find((w) => w.id === this.workspace)?.name ?? 'This computer';
  }

  /** dismiss hides the current notice. */
  dismiss(): void {
    this.notice = null;
  }

  /** signOut ends the session on the server (best effort) and forgets it here. */
  async signOut(): Promise<void> {
    if (this.mode === 'desktop') return;
    try {
      await this.api.logout();
    } catch {
      // The session is forgotten here either way; a server that cannot be
      // reached lets it expire on its own.
    }
    this.#clear();
    this.notice = { kind: 'info', text: 'You have signed out.' };
  }

  /** adoptStorageChange follows a sign-in or sign-out made in another tab. */
  adoptStorageChange(e: StorageEvent): void {
    if (this.mode === 'desktop' || e.key !== STORAGE_KEY) return;
    if (e.newValue === null && this.phase === 'signed-in') {
      this.#clear();
      this.notice = { kind: 'info', text: 'You signed out in another window.' };
    } else if (e.newValue !== null && this.phase !== 'signed-in') {
      this.notice = null;
      void this.start();
    }
  }

  async #startDesktop(d: DesktopApp): Promise<void> {
    try {
      const b = await d.Bootstrap();
      this.#token = b.sessionToken;
      this.#localUser = b.user;
      this.user = b.user;
      this.version = b.version;
      this.wsURL = b.wsURL;
      this.notice = null;
      let saved = LOCAL;
      try {
        saved = localStorage.getItem(WORKSPACE_KEY) ?? LOCAL;
      } catch {
        // no preference
      }
      await this.loadWorkspaces();
      if (saved !== LOCAL && this.workspaces.some((w) => w.id === saved)) this.selectWorkspace(saved);
      this.phase = 'signed-in';
    } catch (e) {
      this.notice = { kind: 'error', text: `Brief Studio could not start: ${errorMessage(e)}` };
      this.phase = 'failed';
    }
  }

  /** #resume signs in with the saved session, if any; it returns the phase it reached. */
  async #resume(): Promise<Phase> {
    const saved = readSaved();
    if (!saved) return (this.phase = 'signed-out');
    this.#token = saved.token;
    try {
      this.user = await this.api.me();
      writeUser(this.user);
      this.offline = false;
      void this.#renewIfDue(saved);
      return (this.phase = 'signed-in');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return 'signed-out'; // #lost() has run
      const known = readUser();
      if (e instanceof ApiError && e.code === 'network' && known) {
        // No link: work from what this browser keeps (the offline queue);
        // the server checks the session again when the link comes back.
        this.user = known;
        this.offline = true;
        return (this.phase = 'signed-in');
      }
      this.notice = { kind: 'error', text: errorMessage(e) };
      return (this.phase = 'failed');
    }
  }

  /** #renewIfDue extends a saved session that ends within RENEW_BEFORE, so a user who comes back often stays signed in. */
  async #renewIfDue(saved: Saved): Promise<void> {
    const exp = Date.parse(saved.expiresAt);
    if (!Number.isNaN(exp) && exp - Date.now() > RENEW_BEFORE) return;
    try {
      const res = await this.api.renew();
      this.#token = res.sessionToken;
      writeSaved({ token: res.sessionToken, expiresAt: res.expiresAt });
    } catch {
      // The session still works until it expires; a 401 has signed out already.
    }
  }

  /** #login trades a token for a session; on failure it sets the notice and returns the error (the phase is the caller's). */
  async #login(token: string, original: string): Promise<ApiError | null> {
    this.busy = true;
    this.notice = null;
    try {
      const res = await this.api.login(token);
      this.#token = res.sessionToken;
      writeSaved({ token: res.sessionToken, expiresAt: res.expiresAt });
      this.user = res.user;
      writeUser(res.user);
      this.offline = false;
      this.prefill = '';
      this.phase = 'signed-in';
      return null;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('internal', errorMessage(e), 0);
      this.notice = { kind: 'error', text: errorMessage(err) };
      // A link that never reached the server can be tried again; a rejected one cannot.
      this.prefill = err.code === 'network' ? original : '';
      return err;
    } finally {
      this.busy = false;
    }
  }

  #lost(): void {
    if (this.mode === 'desktop') {
      void this.#lostDesktop();
      return;
    }
    const wasSignedIn = this.phase === 'signed-in';
    this.#clear();
    this.notice = {
      kind: wasSignedIn ? 'error' : 'info',
      text: wasSignedIn
        ? 'Your session has ended. Open a new login link to sign in again.'
        : 'Your saved session has expired. Open a new login link to sign in.',
    };
  }

  /**
   * #lostDesktop: a 401 in the desktop is most often not the local session's:
   * a shared server refused its stored session (through /w/ID, whichever
   * workspace is shown), or refused a login link pasted in Workspaces. Only
   * if the embedded server refuses the local session itself is the app stuck.
   */
  async #lostDesktop(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    try {
      await this.api.request<User>('GET', '/api/me', { base: '' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.#token = null;
        this.notice = { kind: 'error', text: 'The local session was not accepted. Try again, or restart Brief Studio.' };
        this.phase = 'failed';
        return;
      }
    } finally {
      this.#probing = false;
    }
    // The embedded server marks a workspace whose server refused it (needsLogin).
    await this.loadWorkspaces();
  }

  #clear(): void {
    this.#token = null;
    this.user = null;
    removeSaved();
    this.phase = 'signed-out';
  }
}

function readSaved(): Saved | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Saved>;
    if (typeof v.token !== 'string' || v.token === '') return null;
    const exp = typeof v.expiresAt === 'string' ? Date.parse(v.expiresAt) : NaN;
    if (!Number.isNaN(exp) && exp <= Date.now()) {
      localStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return { token: v.token, expiresAt: v.expiresAt ?? '' };
  } catch {
    return null;
  }
}

function writeSaved(s: Saved): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

const USER_KEY = 'briefstudio.user';

function readUser(): User | null {
  try {
    const v = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as User | null;
    return v && typeof v.id === 'number' ? v : null;
  } catch {
    return null;
  }
}

function writeUser(u: User): void {
  try {
    localStorage.setItem(USER_KEY, JSON.stringify(u));
  } catch {
    // the offline start is not available then
  }
}

function removeSaved(): void {
  try {
    localStorage.removeItem(USER_KEY);
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing to remove
  }
}
