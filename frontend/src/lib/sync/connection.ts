// One websocket per open brief: hello/welcome, reconnect with backoff, the
// application heartbeat, the offline queue, and the bridge to the editor.
// Typing never waits for any of it: the editor marks a section dirty and a
// short timer reads, diffs and sends (PROTOCOL.md; docs in frontend/README.md).

import { SyncEngine, type SavedSection } from './engine';
import { cpLength } from './delta';
import type { QueueStore, SavedBrief } from './queue';
import { FATAL_CLOSE, type BriefHead, type ClientMsg, type Conflict, type Peer, type ServerMsg } from './protocol';

/** Where the link is, for the status indicator. */
export type LinkState = 'connecting' | 'online' | 'offline' | 'closed';

/** Options of a BriefSync. */
export interface BriefSyncOptions {
  brief: string;
  user: number;
  /** Returns the session token for hello. */
  token: () => string | null;
  /** ws(s)://…/api/ws */
  url: string;
  clientId: string;
  /** null: nothing is persisted (another tab owns this brief's queue, or no IndexedDB). */
  store: QueueStore | null;
  /** What to save with the queue so the brief opens offline. */
  head: Omit<SavedBrief, 'id' | 'user' | 'brief' | 'clientId' | 'order' | 'savedAt'>;
  /** Delay between a keystroke and the diff that sends it, ms. */
  flushDelay?: number;
  WebSocket?: typeof WebSocket;
}

/** Events a BriefSync reports to the page. */
export interface BriefSyncEvents {
  /** Status, waiting count, outline, peers or head changed: re-read them. */
  change?(): void;
  /** A section's text changed under the user; `text` is the new whole text. */
  remote?(key: string, text: string): void;
  notice?(text: string): void;
  conflicts?(key: string, list: Conflict[]): void;
  /** A review change of the room (comment, suggestion, decision): PROTOCOL.md. */
  review?(msg: ServerMsg): void;
  /** The server will not take this client back (signed out, removed, archived). */
  fatal?(code: number, reason: string): void;
}

interface Attached {
  key: string;
  read: () => string;
  dirty: boolean;
  changes: number;
}

const MIN_BACKOFF = 500;
const MAX_BACKOFF = 10_000;
const DEAD_AFTER = 15_000;

/** BriefSync keeps one brief in sync over one websocket. */
export class BriefSync {
  readonly engine: SyncEngine;
  link: LinkState = 'connecting';
  head: BriefHead | null = null;
  peers: Peer[] = [];
  /** The server's last close, for the status tooltip. */
  lastClose = '';

  readonly #o: BriefSyncOptions;
  readonly #ev: BriefSyncEvents;
  readonly #WS: typeof WebSocket;
  #ws: WebSocket | null = null;
  #closed = false;
  #backoff = MIN_BACKOFF;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastPong = 0;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #dirtySave = new Set<string>();
  #attached: Attached | null = null;
  #presence: { section: string; cursor?: () => { anchor: number; head: number } } | null = null;
  #presenceTimer: ReturnType<typeof setTimeout> | null = null;
  #onOnline = (): void => this.reconnectNow();

  constructor(opts: BriefSyncOptions, events: BriefSyncEvents = {}) {
    this.#o = opts;
    this.#ev = events;
    this.#WS = opts.WebSocket ?? globalThis.WebSocket;
    this.engine = new SyncEngine({
      send: (m) => this.#send(m),
      pull: (key) => this.#pull(key),
      remote: (key, text) => this.#ev.remote?.(key, text),
      changed: (key) => this.#scheduleSave(key),
      outline: () => {
        this.#saveHead();
        this.#ev.change?.();
      },
      welcome: (w) => {
        this.head = w.brief;
        this.peers = w.peers ?? [];
        this.#ev.change?.();
      },
      peers: (p) => {
        this.peers = p;
        this.#ev.change?.();
      },
      brief: (b) => {
        this.head = b;
        this.#saveHead();
        this.#ev.change?.();
      },
      conflicts: (k, l) => this.#ev.conflicts?.(k, l),
      notice: (t) => this.#ev.notice?.(t),
      violation: () => this.#drop('the server sent a change that does not fit: reloading the section'),
    });
  }

  /** seed sets the sections before connecting. */
  seed(list: SavedSection[]): void {
    this.engine.seed(list);
    for (const s of list) this.#dirtySave.add(s.key);
    this.#saveHead();
    this.#flushSaves();
  }

  /** start opens the connection (and keeps it open until stop). */
  start(): void {
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#open();
  }

  /** stop closes the connection for good and saves what is unsent. */
  async stop(): Promise<void> {
    this.#closed = true;
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#flushNow();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#presenceTimer) clearTimeout(this.#presenceTimer);
    this.#stopHeartbeat();
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
    await this.#flushSaves();
  }

  /** reconnectNow skips the remaining backoff (the browser says it is online again). */
  reconnectNow(): void {
    if (this.#closed || this.link === 'online' || this.link === 'closed') return;
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#backoff = MIN_BACKOFF;
      this.#open();
    }
  }

  /** waiting counts changes not yet acknowledged by the server. */
  get waiting(): number {
    let n = this.engine.waiting();
    const a = this.#attached;
    if (a && a.dirty) {
      const s = this.engine.sections.get(a.key);
      if (s && s.text === s.base && !s.inflight) n += Math.max(1, a.changes);
    }
    return n;
  }

  /** syncing: connected, with changes on their way. */
  get syncing(): boolean {
    return this.link === 'online' && (this.engine.busy() || (this.#attached?.dirty ?? false));
  }

  /** attach connects the open editor: `read` returns its whole text. */
  attach(key: string, read: () => string): void {
    this.#flushNow();
    this.#attached = { key, read, dirty: false, changes: 0 };
  }

  detach(): void {
    this.#flushNow();
    this.#attached = null;
  }

  /** typed: the user changed the attached section (cheap: the diff happens later, off the keystroke). */
  typed(changes = 1): void {
    const a = this.#attached;
    if (!a) return;
    const wasDirty = a.dirty;
    a.dirty = true;
    a.changes += changes;
    if (!this.#flushTimer) this.#flushTimer = setTimeout(() => this.#flushNow(), this.#o.flushDelay ?? 40);
    if (!wasDirty) this.#ev.change?.();
  }

  /** text is the newest text of a section (the editor's, when attached). */
  text(key: string): string {
    const a = this.#attached;
    if (a && a.key === key) return a.read();
    return this.engine.sections.get(key)?.text ?? '';
  }

  /** presence tells the others where the user is; `cursor` (code points) is read when sent, at most every 150 ms. */
  presence(section: string, cursor?: () => { anchor: number; head: number }): void {
    this.#presence = cursor ? { section, cursor } : { section };
    if (this.#presenceTimer) return;
    this.#presenceTimer = setTimeout(() => {
      this.#presenceTimer = null;
      this.#sendPresence();
    }, 150);
  }

  #sendPresence(): void {
    const p = this.#presence;
    if (!p || !this.engine.ready) return;
    this.#send(p.cursor ? { type: 'presence', section: p.section, cursor: p.cursor() } : { type: 'presence', section: p.section });
  }

  // ---------------------------------------------------------------- internals

  #flushNow(): void {
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    const a = this.#attached;
    if (!a || !a.dirty) return;
    const text = a.read();
    a.dirty = false;
    const changes = a.changes;
    a.changes = 0;
    this.engine.setText(a.key, text, changes);
    this.#ev.change?.();
  }

  #pull(key: string): string | undefined {
    const a = this.#attached;
    if (!a || a.key !== key || !a.dirty) return undefined;
    a.dirty = false;
    a.changes = 0;
    return a.read();
  }

  #open(): void {
    if (this.#closed) return;
    this.#retryTimer = null;
    this.link = this.link === 'closed' ? 'closed' : this.link === 'online' ? 'connecting' : this.link;
    let ws: WebSocket;
    try {
      ws = new this.#WS(this.#o.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (ws !== this.#ws) return;
      this.#flushNow();
      const token = this.#o.token();
      if (!token) {
        this.#fatal(4001, 'not signed in');
        return;
      }
      ws.send(JSON.stringify(this.engine.hello(token, this.#o.brief, this.#o.clientId)));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.#ws || typeof ev.data !== 'string') return;
      let msg: ServerMsg;
      try {
        msg = JSON.parse(ev.data) as ServerMsg;
      } catch {
        return;
      }
      if (msg.type === 'pong') {
        this.#lastPong = Date.now();
        return;
      }
      if (msg.type === 'comment' || msg.type === 'suggestion' || msg.type === 'decision') {
        this.#ev.review?.(msg);
        return;
      }
      const wasReady = this.engine.ready;
      this.engine.receive(msg);
      if (msg.type === 'welcome' && !wasReady) {
        this.link = 'online';
        this.lastClose = '';
        this.#backoff = MIN_BACKOFF;
        this.#startHeartbeat();
        this.#sendPresence();
      }
      this.#ev.change?.();
    };
    ws.onerror = () => {
      // onclose follows and decides.
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#lost(ev.code, ev.reason);
    };
  }

  #lost(code: number, reason: string): void {
    this.#stopHeartbeat();
    this.#flushNow();
    this.engine.disconnected();
    this.lastClose = reason || (code ? `closed (${code})` : '');
    if (FATAL_CLOSE.has(code) && code !== 1000) {
      this.#fatal(code, reason);
      return;
    }
    this.link = 'offline';
    this.#ev.change?.();
    this.#scheduleRetry();
  }

  #fatal(code: number, reason: string): void {
    this.link = 'closed';
    this.#closed = true;
    this.#ev.change?.();
    this.#ev.fatal?.(code, reason);
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer) return;
    const wait = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF);
    this.#retryTimer = setTimeout(() => this.#open(), wait);
  }

  /** #drop closes a link that is dead or confused; the close handler reconnects. */
  #drop(reason: string): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#ws = null;
    ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
    try {
      ws.close(4000, reason.slice(0, 100));
    } catch {
      // dead already
    }
    this.#lost(0, reason);
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#lastPong = Date.now();
    const every = Math.max(1000, Math.min(this.engine.heartbeat, 5000));
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastPong > DEAD_AFTER) {
        this.#drop('no answer to the heartbeat');
        return;
      }
      this.#send({ type: 'ping', t: Date.now() });
    }, every);
  }

  #stopHeartbeat(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #send(msg: ClientMsg): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    try {
      ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  #scheduleSave(key: string): void {
    if (!this.#o.store) return;
    this.#dirtySave.add(key);
    if (!this.#saveTimer) this.#saveTimer = setTimeout(() => void this.#flushSaves(), 120);
  }

  async #flushSaves(): Promise<void> {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = null;
    }
    const store = this.#o.store;
    if (!store || this.#dirtySave.size === 0) return;
    const list: SavedSection[] = [];
    for (const key of this.#dirtySave) {
      const s = this.engine.saved(key);
      if (s) list.push(s);
    }
    this.#dirtySave.clear();
    try {
      await store.saveSections(this.#o.user, this.#o.brief, list);
    } catch {
      // Storage full or blocked: the link still carries the edits.
    }
  }

  /** saveNow writes everything unsent at once (the page is being hidden). */
  async saveNow(): Promise<void> {
    this.#flushNow();
    for (const k of this.engine.order) this.#dirtySave.add(k);
    await this.#flushSaves();
  }

  #saveHead(): void {
    const store = this.#o.store;
    if (!store) return;
    const head = this.head;
    const b: SavedBrief = {
      ...this.#o.head,
      ...(head ? { title: head.title, status: head.status } : {}),
      id: `${this.#o.user}:${this.#o.brief}`,
      user: this.#o.user,
      brief: this.#o.brief,
      clientId: this.#o.clientId,
      order: [...this.engine.order],
      savedAt: Date.now(),
    };
    void store.saveBrief(b).catch(() => {});
  }
}

/** wordCount counts words of Markdown as a reader would (markup characters are not words). */
export function wordCount(text: string): number {
  const m = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu);
  return m ? m.length : 0;
}

/** codePoints re-exports the length helper for the UI. */
export const codePoints = cpLength;
