// The client side of differential synchronization (docs/PROTOCOL.md,
// "Client state per section"), without any I/O: the connection feeds it
// server messages and gives it a send function, so tests can replay
// recorded sessions.

import { applyDelta, DeltaError, makeDelta, merge3 } from './delta';
import type {
  BriefHead,
  ClientMsg,
  Conflict,
  HelloMsg,
  HelloSection,
  OutlineMsg,
  Peer,
  ResyncMsg,
  ServerMsg,
  UpdateMsg,
  WelcomeMsg,
} from './protocol';

/** SectionState is one section's state, exactly the table of PROTOCOL.md plus what the UI needs. */
export interface SectionState {
  key: string;
  title: string;
  /** What the user sees and types into. */
  text: string;
  /** The server's text at version m (last acknowledged). */
  base: string;
  /** base, plus the edit in flight if there is one. */
  shadow: string;
  m: number;
  acked: number;
  inflight: boolean;
  /** An edit was in flight when the link dropped (hello must carry the section). */
  wasInFlight: boolean;
  /** Local changes (keystrokes) not yet acknowledged, for "N edits waiting". */
  pending: number;
}

/** Saved is what the offline queue keeps of a section. */
export interface SavedSection {
  key: string;
  title: string;
  text: string;
  base: string;
  m: number;
  acked: number;
  pending: number;
}

/** EngineHooks connect the engine to the connection and the UI; all but send are optional. */
export interface EngineHooks {
  /** Sends a message; false when the link is down (the engine keeps the change). */
  send(msg: ClientMsg): boolean;
  /** The UI's newest text of a section, when it holds typing the engine has not read yet (the open editor). */
  pull?(key: string): string | undefined;
  /** A section's text changed under the user (another person's edit, a welcome, a resync). */
  remote?(key: string, text: string): void;
  /** Section state changed (persist it). */
  changed?(key: string): void;
  /** The outline (order, titles, sections) changed. */
  outline?(): void;
  welcome?(msg: WelcomeMsg): void;
  peers?(peers: Peer[]): void;
  brief?(brief: BriefHead): void;
  conflicts?(key: string, list: Conflict[]): void;
  /** Something the user should be told (a refused edit, a resync). */
  notice?(text: string): void;
  /** The server broke the protocol (a delta that does not apply): reconnect. */
  violation?(err: Error): void;
}

/** SyncEngine keeps every section of one brief and follows the protocol's rules. */
export class SyncEngine {
  readonly sections = new Map<string, SectionState>();
  order: string[] = [];
  /** The welcome of the current connection has arrived. */
  ready = false;
  you: Peer | null = null;
  peers: Peer[] = [];
  brief: BriefHead | null = null;
  heartbeat = 5000;
  /** Section texts as hello sent them (to carry later typing onto the welcome's text). */
  #helloTexts: Map<string, string> | null = null;
  readonly #hooks: EngineHooks;

  constructor(hooks: EngineHooks) {
    this.#hooks = hooks;
  }

  /** seed sets the sections before the first connection (from the offline queue or GET /api/briefs/{id}). */
  seed(list: SavedSection[]): void {
    this.sections.clear();
    for (const s of list) {
      this.sections.set(s.key, {
        key: s.key,
        title: s.title,
        text: s.text,
        base: s.base,
        shadow: s.base,
        m: s.m,
        acked: s.acked,
        inflight: false,
        wasInFlight: false,
        pending: s.text === s.base ? 0 : Math.max(1, s.pending),
      });
    }
    this.order = list.map((s) => s.key);
  }

  /** saved is what to persist of a section. */
  saved(key: string): SavedSection | null {
    const s = this.sections.get(key);
    if (!s) return null;
    return { key: s.key, title: s.title, text: s.text, base: s.base, m: s.m, acked: s.acked, pending: s.pending };
  }

  /** canEdit: only authors send edits (supervisors suggest). */
  get canEdit(): boolean {
    return this.you === null || this.you.role === 'author';
  }

  /** waiting counts local changes the server has not acknowledged. */
  waiting(): number {
    let n = 0;
    for (const s of this.sections.values()) if (s.text !== s.base || s.inflight) n += Math.max(1, s.pending);
    return n;
  }

  /** busy: an edit is in flight or typing has not been sent. */
  busy(): boolean {
    for (const s of this.sections.values()) if (s.inflight || s.text !== s.shadow) return true;
    return false;
  }

  /** hello builds the first message of a connection (PROTOCOL.md "Reconnect" step 2). */
  hello(token: string, brief: string, client: string): HelloMsg {
    const msg: HelloMsg = { type: 'hello', token, brief, client };
    const pending: HelloSection[] = [];
    this.#helloTexts = new Map();
    for (const s of this.sections.values()) {
      this.#pull(s);
      this.#helloTexts.set(s.key, s.text);
      if (s.text !== s.base || s.wasInFlight) {
        pending.push({ key: s.key, baseVersion: s.m, delta: makeDelta(s.base, s.text), acked: s.acked });
      }
    }
    if (pending.length > 0) msg.sections = pending;
    return msg;
  }

  /** disconnected: the link dropped (step 1 of "Reconnect"). */
  disconnected(): void {
    this.ready = false;
    for (const s of this.sections.values()) {
      if (s.inflight) s.wasInFlight = true;
      s.shadow = s.base;
      s.inflight = false;
    }
  }

  /** setText records the user's text of a section (already read from the editor) and sends it when it may. */
  setText(key: string, text: string, changes = 0): void {
    const s = this.sections.get(key);
    if (!s) return;
    if (text !== s.text) {
      s.text = text;
      s.pending += Math.max(1, changes);
    }
    if (s.text === s.base && !s.inflight) s.pending = 0;
    this.#hooks.changed?.(key);
    this.flush(key);
  }

  /** flush sends an edit when text ≠ shadow, nothing is in flight and the welcome has come. */
  flush(key: string): void {
    if (!this.ready || !this.canEdit) return;
    const s = this.sections.get(key);
    if (!s || s.inflight || s.text === s.shadow) return;
    const msg: ClientMsg = { type: 'edit', section: key, n: s.acked + 1, base: s.m, delta: makeDelta(s.shadow, s.text) };
    if (!this.#hooks.send(msg)) return;
    s.shadow = s.text;
    s.inflight = true;
  }

  /** receive handles one server message. */
  receive(msg: ServerMsg): void {
    switch (msg.type) {
      case 'welcome':
        return this.#welcome(msg);
      case 'update':
        return this.#update(msg);
      case 'resync':
        return this.#resync(msg);
      case 'outline':
        return this.#outline(msg);
      case 'brief':
        this.brief = msg.brief;
        this.#hooks.brief?.(msg.brief);
        return;
      case 'peers':
        this.peers = msg.peers ?? [];
        this.#hooks.peers?.(this.peers);
        return;
      case 'conflicts':
        this.#hooks.conflicts?.(msg.section, msg.conflicts ?? []);
        return;
      case 'error':
        if (msg.section && msg.n !== undefined) {
          const s = this.sections.get(msg.section);
          if (!s) return;
          // The edit was refused: text and shadow go back to base.
          this.#pull(s);
          s.inflight = false;
          s.shadow = s.base;
          const lost = s.text !== s.base;
          this.#setRemote(s, s.base);
          s.pending = 0;
          this.#hooks.changed?.(s.key);
          if (lost) this.#hooks.notice?.(msg.message);
        } else if (msg.ref === undefined) {
          this.#hooks.notice?.(msg.message);
        }
        return;
      default:
        return;
    }
  }

  #welcome(msg: WelcomeMsg): void {
    this.ready = true;
    this.brief = msg.brief;
    this.you = msg.you;
    this.peers = msg.peers ?? [];
    if (msg.heartbeat) this.heartbeat = msg.heartbeat;
    const helloTexts = this.#helloTexts ?? new Map<string, string>();
    this.#helloTexts = null;
    const old = new Map(this.sections);
    for (const s of old.values()) this.#pull(s);
    this.sections.clear();
    const order: string[] = [];
    for (const e of msg.sections ?? []) {
      const prev = old.get(e.key);
      if (e.error) {
        if (prev && prev.text !== prev.base && e.error.code !== 'forbidden') {
          this.#hooks.send({ type: 'keep', section: e.key, text: prev.text });
        }
        if (e.error.code !== 'forbidden') this.#hooks.notice?.(`${e.title || e.key}: ${e.error.message}`);
      }
      if (typeof e.text !== 'string') continue; // removed: nothing to show
      order.push(e.key);
      if (e.conflicts && e.conflicts.length > 0) this.#hooks.conflicts?.(e.key, e.conflicts);
      const s: SectionState = {
        key: e.key,
        title: e.title,
        text: e.text,
        base: e.text,
        shadow: e.text,
        m: e.version,
        acked: e.acked ?? 0,
        inflight: false,
        wasInFlight: false,
        pending: 0,
      };
      if (prev) {
        const sent = helloTexts.get(e.key);
        // Typing after hello was sent is carried onto the welcome's text.
        if (sent !== undefined && prev.text !== sent) {
          s.text = merge3(sent, e.text, prev.text);
          s.pending = prev.pending;
        }
      }
      this.sections.set(e.key, s);
      if (!prev || prev.text !== s.text) this.#hooks.remote?.(e.key, s.text);
      this.#hooks.changed?.(e.key);
    }
    this.order = order;
    this.#hooks.welcome?.(msg);
    this.#hooks.outline?.();
    for (const key of this.order) this.flush(key);
  }

  #update(msg: UpdateMsg): void {
    const s = this.sections.get(msg.section);
    if (!s) return;
    const sent = s.inflight ? s.acked + 1 : s.acked;
    // Predates our edit in flight: its acknowledgement brings the same change.
    if (msg.n < sent) return;
    let next: string;
    try {
      next = applyDelta(s.shadow, msg.delta);
    } catch (e) {
      const err = e instanceof DeltaError ? e : new DeltaError(String(e));
      this.#hooks.violation?.(new DeltaError(`update ${msg.n}/${msg.version} of ${msg.section}: ${err.message}`));
      return;
    }
    this.#pull(s);
    const oldShadow = s.shadow;
    const text = s.text === oldShadow ? next : merge3(oldShadow, next, s.text);
    s.base = s.shadow = next;
    s.m = msg.version;
    s.acked = msg.n;
    s.inflight = false;
    s.wasInFlight = false;
    this.#setRemote(s, text);
    if (s.text === s.base) s.pending = 0;
    this.#hooks.changed?.(s.key);
    this.flush(s.key);
  }

  #resync(msg: ResyncMsg): void {
    const s = this.sections.get(msg.section);
    if (!s) return;
    this.#pull(s);
    if (msg.keep && s.text !== msg.text) {
      this.#hooks.send({ type: 'keep', section: s.key, text: s.text });
      this.#hooks.notice?.('Some of your changes could not be merged; they are kept as suggestions.');
    }
    s.base = s.shadow = msg.text;
    s.m = msg.version;
    s.acked = msg.n;
    s.inflight = false;
    s.wasInFlight = false;
    s.pending = 0;
    this.#setRemote(s, msg.text);
    this.#hooks.changed?.(s.key);
  }

  #outline(msg: OutlineMsg): void {
    const listed = new Set<string>();
    const order: string[] = [];
    for (const e of msg.sections ?? []) {
      listed.add(e.key);
      order.push(e.key);
      const s = this.sections.get(e.key);
      if (s) {
        s.title = e.title;
      } else {
        const text = e.text ?? '';
        this.sections.set(e.key, {
          key: e.key,
          title: e.title,
          text,
          base: text,
          shadow: text,
          m: e.version ?? 0,
          acked: 0,
          inflight: false,
          wasInFlight: false,
          pending: 0,
        });
        this.#hooks.changed?.(e.key);
      }
    }
    for (const [key, s] of [...this.sections]) {
      if (listed.has(key)) continue;
      this.#pull(s);
      if (s.text !== s.base) this.#hooks.send({ type: 'keep', section: key, text: s.text });
      this.sections.delete(key);
    }
    this.order = order;
    this.#hooks.outline?.();
  }

  /** #pull reads typing the UI holds but the engine has not seen yet. */
  #pull(s: SectionState): void {
    const t = this.#hooks.pull?.(s.key);
    if (t !== undefined && t !== s.text) {
      s.text = t;
      s.pending++;
    }
  }

  #setRemote(s: SectionState, text: string): void {
    if (text === s.text) return;
    s.text = text;
    this.#hooks.remote?.(s.key, text);
  }
}
