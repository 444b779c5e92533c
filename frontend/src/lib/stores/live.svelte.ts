// An open brief: its outline, texts and people, live over the websocket,
// opened from the server or, without a link, from the offline queue.

import { ApiError, errorMessage, sentence, type ApiClient } from '$lib/api/client';
import type { Brief, BriefStatus, Metadata } from '$lib/api/types';
import { BriefSync, wordCount, type LinkState } from '$lib/sync/connection';
import type { SavedSection } from '$lib/sync/engine';
import type { Peer } from '$lib/sync/protocol';
import { OfflineStore, type QueueStore } from '$lib/sync/queue';

/** One entry of the outline, as the page shows it. */
export interface OutlineItem {
  key: string;
  title: string;
  words: number;
}

/** Who opens the brief, and how to reach the server. */
export interface LiveContext {
  api: ApiClient;
  user: { id: number; name: string };
  token: () => string | null;
  url: string;
  /** Opens the offline queue (default: IndexedDB). */
  openStore?: () => Promise<QueueStore>;
  /** Names the workspace, so two servers' briefs never share a lock. */
  workspace?: string;
}

/** Undo window of a section removal, ms. */
export const UNDO_MS = 8000;

/** LiveBrief is the state of the brief page. */
export class LiveBrief {
  readonly id: string;
  phase = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state('');
  /** Opened from this browser's copy because the server could not be reached. */
  fromCache = $state(false);
  title = $state('');
  status = $state<BriefStatus>('draft');
  type = $state('');
  role = $state('');
  metadata = $state<Metadata>({});
  outline = $state<OutlineItem[]>([]);
  active = $state('');
  link = $state<LinkState>('connecting');
  waiting = $state(0);
  syncing = $state(false);
  peers = $state<Peer[]>([]);
  youId = $state('');
  notice = $state('');
  /** Sections removed in the UI whose removal can still be undone. */
  removing = $state<{ key: string; title: string; index: number } | null>(null);
  /** Bumped when a section's text changed under the user (the preview re-reads it). */
  revision = $state(0);
  /** The caller's last review decision's version ("v3"), null if none. */
  lastReviewed = $state<string | null>(null);
  /** The signed-in user is an admin (admins may comment and suggest on any brief). */
  admin = false;

  sync: BriefSync | null = null;
  /** Set by the editor: applies a remote change to the open section. */
  onRemote: ((key: string, text: string) => void) | null = null;
  /** Set by the review state: a comment, suggestion or decision of the room. */
  onReview: ((msg: unknown) => void) | null = null;
  /** Called when the link comes back (review messages may have been missed). */
  onOnline: (() => void) | null = null;

  readonly #ctx: LiveContext;
  #store: QueueStore | null = null;
  #release: (() => void) | null = null;
  #removeTimer: ReturnType<typeof setTimeout> | null = null;
  #countTimer: ReturnType<typeof setTimeout> | null = null;
  #words = new Map<string, number>();
  #stopped = false;
  /** The order shown while outline changes are on their way (server outlines in between are not shown). */
  #localOrder: string[] | null = null;
  #outlineChain: Promise<void> = Promise.resolve();
  #outlinePending = 0;
  /** A notice the server sent while the link was down (e.g. the desktop's relay: the shared server cannot be reached); cleared when it is back. */
  #linkNotice = '';

  constructor(id: string, ctx: LiveContext) {
    this.id = id;
    this.#ctx = ctx;
  }

  /** canEdit: authors write; supervisors and admins who are not authors read. */
  get canEdit(): boolean {
    return this.role === 'author';
  }

  /** canSuggest: every member and an admin may suggest (supervisors only suggest). */
  get canSuggest(): boolean {
    return this.role === 'author' || this.role === 'supervisor' || this.admin;
  }

  /** canReview: supervisors approve or request changes. */
  get canDecide(): boolean {
    return this.role === 'supervisor';
  }

  /**
   * acked is a section's text as the server has it (what review ranges are
   * taken on) and its version; `idle` says no typing is on its way.
   */
  acked(key: string): { base: string; m: number; idle: boolean } | null {
    const s = this.sync?.engine.sections.get(key);
    if (!s) return null;
    return { base: s.base, m: s.m, idle: !s.inflight && s.text === s.base && !(this.sync?.syncing ?? false) };
  }

  /** settle sends the open section's typing and waits (up to `ms`) until the server has it. */
  async settle(key: string, ms = 3000): Promise<boolean> {
    this.sync?.detach();
    const end = Date.now() + ms;
    for (;;) {
      const a = this.acked(key);
      if (a && a.idle) return true;
      if (Date.now() > end || this.link !== 'online') return false;
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  /** totalWords counts the whole brief. */
  get totalWords(): number {
    return this.outline.reduce((n, s) => n + s.words, 0);
  }

  /** open loads the brief (server, else offline copy) and starts live sync. */
  async open(): Promise<void> {
    const user = this.#ctx.user.id;
    const [store, remote] = await Promise.all([
      (this.#ctx.openStore ?? (() => OfflineStore.open()))().catch(() => null),
      this.#ctx.api.getBrief(this.id).catch((e: unknown) => e),
    ]);
    if (this.#stopped) return;
    if (remote instanceof ApiError && remote.code !== 'network') {
      this.phase = 'error';
      this.error =
        remote.code === 'not_found' ? 'This brief does not exist, was archived, or is not shared with you.' : errorMessage(remote);
      store?.close();
      return;
    }
    const release = store ? await holdLock(`briefstudio-sync:${this.#ctx.workspace ?? 'local'}:${user}:${this.id}`) : null;
    this.#release = release;
    this.#store = release ? store : null;
    if (!release) store?.close();
    const saved = this.#store ? await this.#store.load(user, this.id).catch(() => null) : null;
    if (this.#stopped) return this.#cleanup();

    let sections: SavedSection[];
    let clientId = saved?.brief.clientId ?? newClientId();
    if (remote && !(remote instanceof Error)) {
      const b = remote as Brief;
      this.title = b.title;
      this.status = b.status;
      this.type = b.type;
      this.role = b.role ?? '';
      this.metadata = b.metadata ?? {};
      this.lastReviewed = b.lastReviewedVersion ?? null;
      const keep = new Map((saved?.sections ?? []).map((s) => [s.key, s]));
      sections = b.sections.map((s) => {
        const mine = keep.get(s.key);
        keep.delete(s.key);
        // Unsent typing is kept as it is: hello merges it onto the server's text.
        if (mine && mine.text !== mine.base) return { ...mine, title: s.title };
        return { key: s.key, title: s.title, text: s.text, base: s.text, m: s.version, acked: mine?.acked ?? 0, pending: 0 };
      });
      for (const s of keep.values()) if (s.text !== s.base) sections.push(s);
    } else if (saved) {
      this.fromCache = true;
      this.title = saved.brief.title;
      this.status = saved.brief.status as BriefStatus;
      this.type = saved.brief.type;
      this.role = saved.brief.role;
      this.metadata = (saved.brief.metadata as Metadata | undefined) ?? {};
      sections = saved.sections;
    } else {
      this.phase = 'error';
      this.error = 'The server cannot be reached, and this brief has not been opened on this device before.';
      return this.#cleanup();
    }
    if (!this.#store) clientId = newClientId();

    const sync = new BriefSync(
      {
        brief: this.id,
        user,
        token: this.#ctx.token,
        url: this.#ctx.url,
        clientId,
        store: this.#store,
        head: { title: this.title, status: this.status, type: this.type, role: this.role, metadata: $state.snapshot(this.metadata) as Record<string, unknown> },
      },
      {
        change: () => this.#refresh(),
        remote: (key, text) => {
          if (key === this.active) this.onRemote?.(key, text);
          this.revision++;
          this.#countSoon();
        },
        notice: (t) => {
          this.notice = sentence(t);
          this.#linkNotice = this.sync?.link === 'online' ? '' : this.notice;
        },
        review: (m) => this.onReview?.(m),
        fatal: (code, reason) => {
          this.notice =
            code === 4001
              ? 'Your session has ended: sign in again to keep syncing. Your changes are kept on this device.'
              : `Live sync stopped: ${reason || `code ${code}`}.`;
        },
      },
    );
    this.sync = sync;
    sync.seed(sections);
    this.active = sync.engine.order[0] ?? '';
    this.#countAll();
    this.#refresh();
    this.phase = 'ready';
    sync.start();
  }

  /** stop ends live sync (the page is left); a pending removal is carried out. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.removing) await this.#commitRemove();
    if (this.#countTimer) clearTimeout(this.#countTimer);
    await this.sync?.stop();
    this.#cleanup();
  }

  #cleanup(): void {
    this.#store?.close();
    this.#store = null;
    this.#release?.();
    this.#release = null;
  }

  /** text of a section (the editor's when it is open). */
  text(key: string): string {
    return this.sync?.text(key) ?? '';
  }

  /** peersIn lists the other people in a section. */
  peersIn(key: string): Peer[] {
    return this.peers.filter((p) => p.id !== this.youId && p.section === key);
  }

  /** typed is called by the editor on every local change (cheap). */
  typed(changes: number): void {
    this.sync?.typed(changes);
    this.#countSoon();
  }

  select(key: string): void {
    if (key === this.active) return;
    this.active = key;
    this.sync?.presence(key);
  }

  // ------------------------------------------------------------- outline

  async addSection(title: string): Promise<string | null> {
    const t = title.trim();
    if (!t) return null;
    try {
      const after = this.active && !this.removing ? this.active : undefined;
      const s = await this.#ctx.api.addSection(this.id, t, after);
      // The websocket brings the outline too; showing it now avoids a flicker.
      if (!this.sync?.engine.sections.has(s.key)) {
        this.sync?.engine.receive({
          type: 'outline',
          sections: insertAfter<{ key: string; title: string; version: number; text?: string }>(
            this.sync.engine.order.map((k) => ({ key: k, title: this.sync?.engine.sections.get(k)?.title ?? k, version: 0 })),
            { key: s.key, title: s.title, version: s.version, text: s.text },
            after,
          ),
        });
      }
      this.active = s.key;
      this.#refresh();
      return s.key;
    } catch (e) {
      this.notice = `Could not add the section: ${errorMessage(e)}`;
      return null;
    }
  }

  async rename(key: string, title: string): Promise<void> {
    const t = title.trim();
    const item = this.outline.find((s) => s.key === key);
    if (!item || !t || t === item.title) return;
    const before = item.title;
    item.title = t;
    const s = this.sync?.engine.sections.get(key);
    if (s) s.title = t;
    try {
      await this.#ctx.api.patchBrief(this.id, { sections: this.#outlineKeys().map((k) => (k === key ? { key, title: t } : { key: k })) });
    } catch (e) {
      item.title = before;
      if (s) s.title = before;
      this.notice = `Could not rename the section: ${errorMessage(e)}`;
    }
  }

  /** move puts a section at a new index of the outline (shown at once, saved in order). */
  move(key: string, to: number): Promise<void> {
    const eng = this.sync?.engine;
    if (!eng) return Promise.resolve();
    const order = eng.order.filter((k) => k !== key);
    const visible = order.filter((k) => k !== this.removing?.key);
    const clamped = Math.max(0, Math.min(to, visible.length));
    const anchor = visible[clamped];
    const at = anchor === undefined ? order.length : order.indexOf(anchor);
    order.splice(at, 0, key);
    if (order.join('\n') === eng.order.join('\n')) return Promise.resolve();
    eng.order = order;
    this.#localOrder = order;
    this.#refresh();
    return this.#saveOutline(async () => {
      const latest = this.#localOrder ?? eng.order;
      await this.#ctx.api.patchBrief(this.id, { sections: latest.map((k) => ({ key: k })) });
    });
  }

  /** #saveOutline runs outline changes one after the other, so the server sees them in order. */
  #saveOutline(fn: () => Promise<void>): Promise<void> {
    const run = this.#outlineChain.then(fn).catch((e: unknown) => {
      this.notice = `Could not save the outline: ${errorMessage(e)}`;
    });
    this.#outlineChain = run;
    this.#outlinePending++;
    return run.finally(() => {
      if (--this.#outlinePending === 0) this.#localOrder = null;
    });
  }

  /** remove hides a section at once and removes it when the undo window closes. */
  async remove(key: string): Promise<void> {
    if (this.removing) await this.#commitRemove();
    const index = this.outline.findIndex((s) => s.key === key);
    const item = this.outline[index];
    if (!item) return;
    this.removing = { key, title: item.title, index };
    if (this.active === key) {
      const next = this.outline.filter((s) => s.key !== key)[Math.min(index, this.outline.length - 2)];
      this.active = next?.key ?? '';
    }
    this.#refresh();
    this.#removeTimer = setTimeout(() => void this.#commitRemove(), UNDO_MS);
  }

  /** undoRemove brings the section back (nothing was sent to the server). */
  undoRemove(): string | null {
    const r = this.removing;
    if (!r) return null;
    if (this.#removeTimer) clearTimeout(this.#removeTimer);
    this.removing = null;
    this.active = r.key;
    this.#refresh();
    return r.key;
  }

  async #commitRemove(): Promise<void> {
    const r = this.removing;
    if (!r) return;
    if (this.#removeTimer) clearTimeout(this.#removeTimer);
    this.removing = null;
    try {
      await this.#ctx.api.removeSection(this.id, r.key);
    } catch (e) {
      this.notice = `Could not remove “${r.title}”: ${errorMessage(e)}`;
    }
    this.#refresh();
  }

  #outlineKeys(): string[] {
    return (this.sync?.engine.order ?? []).filter((k) => k !== this.removing?.key);
  }

  // ------------------------------------------------------------- metadata

  /** saveDetails sends the title and the metadata fields that changed. */
  async saveDetails(title: string, meta: Partial<Metadata>): Promise<void> {
    const patch: { title?: string; metadata?: Partial<Metadata> } = {};
    if (title.trim() !== this.title) patch.title = title.trim();
    if (Object.keys(meta).length > 0) patch.metadata = meta;
    if (!patch.title && !patch.metadata) return;
    const b = await this.#ctx.api.patchBrief(this.id, patch);
    this.title = b.title;
    this.metadata = b.metadata ?? {};
    this.status = b.status;
  }

  // ------------------------------------------------------------- internals

  #refresh(): void {
    const sync = this.sync;
    if (!sync) return;
    const eng = sync.engine;
    const local = this.#localOrder;
    if (local && local.length === eng.order.length && local.every((k) => eng.sections.has(k))) eng.order = [...local];
    const hidden = this.removing?.key;
    const items: OutlineItem[] = [];
    for (const key of eng.order) {
      if (key === hidden) continue;
      const s = eng.sections.get(key);
      if (!s) continue;
      items.push({ key, title: s.title, words: this.#words.get(key) ?? 0 });
    }
    if (!sameOutline(items, this.outline)) this.outline = items;
    if (this.active && !eng.sections.has(this.active)) this.active = items[0]?.key ?? '';
    if (!this.active && items[0]) this.active = items[0].key;
    const wasOnline = this.link === 'online';
    this.link = sync.link;
    if (!wasOnline && this.link === 'online') {
      if (this.#linkNotice && this.notice === this.#linkNotice) this.notice = '';
      this.#linkNotice = '';
      if (this.phase === 'ready') this.onOnline?.();
    }
    this.waiting = sync.waiting;
    this.syncing = sync.syncing;
    if (sync.peers !== this.peers) this.peers = sync.peers;
    if (eng.you) {
      this.youId = eng.you.id;
      if (eng.you.role !== this.role) this.role = eng.you.role;
    }
    if (sync.head) {
      if (sync.head.title !== this.title) this.title = sync.head.title;
      if (sync.head.status !== this.status) this.status = sync.head.status as BriefStatus;
    }
  }

  #countSoon(): void {
    if (this.#countTimer) return;
    this.#countTimer = setTimeout(() => {
      this.#countTimer = null;
      this.#countAll();
      this.#refresh();
    }, 300);
  }

  #countAll(): void {
    const sync = this.sync;
    if (!sync) return;
    for (const key of sync.engine.order) this.#words.set(key, wordCount(sync.text(key)));
  }
}

function sameOutline(a: OutlineItem[], b: OutlineItem[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => x.key === b[i]?.key && x.title === b[i]?.title && x.words === b[i]?.words);
}

function insertAfter<T extends { key: string }>(list: T[], item: T, after?: string): T[] {
  const out = [...list];
  const i = after ? out.findIndex((x) => x.key === after) : -1;
  if (i < 0) out.push(item);
  else out.splice(i + 1, 0, item);
  return out;
}

/** newClientId names this tab for the server (PROTOCOL.md: kept across reconnects). */
export function newClientId(): string {
  const a = new Uint8Array(9);
  crypto.getRandomValues(a);
  return `tab-${Array.from(a, (b) => b.toString(36).padStart(2, '0')).join('')}`;
}

/**
 * holdLock takes a Web Lock so that one tab owns a brief's offline queue;
 * it resolves with a release function, or null when another tab keeps it
 * (a page being reloaded lets go of it a moment after the new one starts,
 * hence the short wait).
 */
async function holdLock(name: string, waitMs = 2000): Promise<(() => void) | null> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return () => {};
  return new Promise((resolve) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), waitMs);
    void locks
      .request(name, { signal: ctl.signal }, () => {
        clearTimeout(timer);
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch((e: unknown) => resolve(e instanceof DOMException && e.name === 'AbortError' ? null : () => {}));
  });
}
