// The review state of an open brief: comment threads, suggestions and
// workflow decisions, loaded over REST and kept current by the room's
// `comment`, `suggestion` and `decision` messages (docs/PROTOCOL.md).

import { errorMessage, type ApiClient } from '$lib/api/client';
import { ReviewApi, type Comment, type Decision, type Range, type Suggestion } from '$lib/api/review';

/** A thread: its first comment and the replies. */
export interface Thread {
  root: Comment;
  replies: Comment[];
}

/** A suggestion typed in suggest mode that the server has not confirmed yet. */
export interface Outgoing {
  /** Negative, so it never meets a server id. */
  id: number;
  range: Range;
  replacement: string;
  error: string;
}

/** A review message of the room. */
export type ReviewMsg =
  | { type: 'comment'; action: string; comment: Comment }
  | { type: 'suggestion'; action: string; suggestion: Suggestion }
  | { type: 'decision'; action: string; decision: Decision };

/** ReviewState holds a brief's comments, suggestions and decisions. */
export class ReviewState {
  readonly brief: string;
  readonly api: ReviewApi;
  comments = $state<Comment[]>([]);
  suggestions = $state<Suggestion[]>([]);
  decisions = $state<Decision[]>([]);
  outgoing = $state<Outgoing[]>([]);
  loaded = $state(false);
  error = $state('');
  /** The item the user is looking at, "comment:12" or "suggestion:4". */
  active = $state('');
  /** Bumped on every change (the editor re-places its marks). */
  rev = $state(0);

  #seq = 0;
  #loading: Promise<void> | null = null;

  constructor(brief: string, api: ApiClient) {
    this.brief = brief;
    this.api = new ReviewApi(api);
  }

  /** load reads everything (again, after a reconnect: messages may have been missed). */
  load(): Promise<void> {
    if (this.#loading) return this.#loading;
    this.#loading = (async () => {
      try {
        const [c, s, d] = await Promise.all([
          this.api.comments(this.brief),
          this.api.suggestions(this.brief),
          this.api.decisions(this.brief),
        ]);
        this.comments = c ?? [];
        this.suggestions = s ?? [];
        this.decisions = d ?? [];
        this.loaded = true;
        this.error = '';
        this.rev++;
      } catch (e) {
        this.error = `Comments and suggestions could not be loaded: ${errorMessage(e)}`;
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** refreshSection re-reads one section's ranges (at the server's current version). */
  async refreshSection(section: string): Promise<void> {
    try {
      const [c, s] = await Promise.all([this.api.comments(this.brief, section), this.api.suggestions(this.brief, section)]);
      this.comments = [...this.comments.filter((x) => x.section !== section), ...(c ?? [])].sort((a, b) => a.id - b.id);
      this.suggestions = [...this.suggestions.filter((x) => x.section !== section), ...(s ?? [])].sort((a, b) => a.id - b.id);
      this.rev++;
    } catch {
      // The next event or reconnect tries again; what is shown stays.
    }
  }

  /** receive applies a room message. */
  receive(msg: ReviewMsg): void {
    if (msg.type === 'comment' && msg.comment) {
      if (msg.action === 'deleted') this.#dropComment(msg.comment);
      else this.#putComment(msg.comment);
    }
    else if (msg.type === 'suggestion' && msg.suggestion) this.#putSuggestion(msg.suggestion);
    else if (msg.type === 'decision' && msg.decision) {
      if (!this.decisions.some((d) => d.id === msg.decision.id)) this.decisions = [...this.decisions, msg.decision];
    }
  }

  #putComment(c: Comment): void {
    const i = this.comments.findIndex((x) => x.id === c.id);
    let list = [...this.comments];
    if (i >= 0) list[i] = c;
    else list.push(c);
    // A thread's state (resolved, range) lives on every comment of it.
    const root = c.parent ?? c.id;
    list = list.map((x) =>
      (x.parent ?? x.id) === root && x.id !== c.id
        ? { ...x, resolved: c.resolved, start: c.start, end: c.end, version: c.version, detached: c.detached }
        : x,
    );
    this.comments = list.sort((a, b) => a.id - b.id);
    this.rev++;
  }

  #putSuggestion(s: Suggestion): void {
    const i = this.suggestions.findIndex((x) => x.id === s.id);
    const list = [...this.suggestions];
    if (i >= 0) list[i] = s;
    else list.push(s);
    this.suggestions = list.sort((a, b) => a.id - b.id);
    this.rev++;
  }

  /** threads of a section (all sections without one), in order of creation. */
  threads(section?: string): Thread[] {
    const roots = new Map<number, Thread>();
    for (const c of this.comments) {
      if (section && c.section !== section) continue;
      if (c.parent === null) roots.set(c.id, { root: c, replies: [] });
    }
    for (const c of this.comments) {
      if (c.parent === null) continue;
      roots.get(c.parent)?.replies.push(c);
    }
    return [...roots.values()];
  }

  /** openSuggestions of a section (all without one). */
  openSuggestions(section?: string): Suggestion[] {
    return this.suggestions.filter((s) => s.status === 'open' && (!section || s.section === section));
  }

  /** lastDecision is the newest workflow step, if any. */
  get lastDecision(): Decision | undefined {
    return this.decisions[this.decisions.length - 1];
  }

  // ------------------------------------------------------------- actions (each throws ApiError)

  async comment(r: Range, body: string): Promise<Comment> {
    const c = await this.api.comment(this.brief, r, body);
    this.#putComment(c);
    this.active = `comment:${c.id}`;
    return c;
  }

  async reply(parent: number, body: string): Promise<Comment> {
    const c = await this.api.reply(this.brief, parent, body);
    this.#putComment(c);
    return c;
  }

  async edit(id: number, body: string): Promise<void> {
    this.#putComment(await this.api.editComment(id, body));
  }

  async remove(id: number): Promise<void> {
    await this.api.deleteComment(id);
    const c = this.comments.find((x) => x.id === id);
    if (c) this.#dropComment(c);
  }

  /** #dropComment removes a deleted comment; a thread's first comment with replies stays as a stub. */
  #dropComment(c: Comment): void {
    const hasReplies = c.parent === null && this.comments.some((x) => x.parent === c.id);
    if (hasReplies) this.#putComment({ ...c, deleted: true, body: '' });
    else {
      this.comments = this.comments.filter((x) => x.id !== c.id);
      this.rev++;
    }
  }

  async resolve(id: number, reopen = false): Promise<void> {
    this.#putComment(await this.api.resolve(id, reopen));
  }

  async decide(id: number, accept: boolean): Promise<Suggestion> {
    const s = await this.api.decide(id, accept);
    this.#putSuggestion(s);
    return s;
  }

  async acceptAll(section?: string): Promise<{ accepted: number; refused: { id: number; message: string }[] }> {
    const r = await this.api.acceptAll(this.brief, section);
    for (const s of r.accepted ?? []) this.#putSuggestion(s);
    return { accepted: r.accepted?.length ?? 0, refused: r.refused ?? [] };
  }

  /**
   * suggest sends suggestions typed in suggest mode. Each shows at once as
   * outgoing; one the server refuses stays listed with its text and the
   * reason, to send again or discard: nothing typed is lost.
   */
  async suggest(list: { range: Range; replacement: string }[]): Promise<void> {
    const items = list.map((x) => ({ id: -++this.#seq, range: x.range, replacement: x.replacement, error: '' }));
    this.outgoing = [...this.outgoing, ...items];
    this.rev++;
    await Promise.all(items.map((o) => this.#send(o)));
  }

  /** retry sends a refused suggestion again. */
  retry(id: number): Promise<void> {
    const o = this.outgoing.find((x) => x.id === id);
    if (!o) return Promise.resolve();
    this.outgoing = this.outgoing.map((x) => (x.id === id ? { ...x, error: '' } : x));
    return this.#send({ ...o, error: '' });
  }

  /** discard forgets a refused suggestion. */
  discard(id: number): void {
    this.outgoing = this.outgoing.filter((x) => x.id !== id);
    this.rev++;
  }

  async #send(o: Outgoing): Promise<void> {
    try {
      const s = await this.api.suggest(this.brief, o.range, o.replacement);
      this.outgoing = this.outgoing.filter((x) => x.id !== o.id);
      this.#putSuggestion(s);
    } catch (e) {
      this.outgoing = this.outgoing.map((x) => (x.id === o.id ? { ...x, error: errorMessage(e) } : x));
      this.rev++;
    }
  }

  async submit(note: string): Promise<Decision> {
    const r = await this.api.submit(this.brief, note);
    this.receive({ type: 'decision', action: r.decision.decision, decision: r.decision });
    return r.decision;
  }

  async review(decision: 'approve' | 'request_changes', note: string): Promise<Decision> {
    const r = await this.api.review(this.brief, decision, note);
    this.receive({ type: 'decision', action: r.decision.decision, decision: r.decision });
    return r.decision;
  }
}
