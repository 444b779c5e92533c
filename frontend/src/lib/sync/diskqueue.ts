// The offline queue of the desktop app on disk: the same records as the
// IndexedDB queue (queue.ts), kept by the embedded server under its data
// directory (PUT /api/local/store/{key}), so unsent edits and the last-synced
// briefs survive an app restart whatever WebKit does with its storage.

import type { ApiClient } from '$lib/api/client';
import type { SavedSection } from './engine';
import type { QueueStore, SavedBrief } from './queue';

interface Record {
  brief: SavedBrief | null;
  sections: { [key: string]: SavedSection };
}

/** DiskStore is a QueueStore over the embedded server's local store, per workspace. */
export class DiskStore implements QueueStore {
  readonly #api: ApiClient;
  readonly #ws: string;
  readonly #cache = new Map<string, Record>();
  /** Writes of one key go out one after the other, so the newest always lands last. */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(api: ApiClient, workspace: string) {
    this.#api = api;
    this.#ws = workspace.replace(/[^A-Za-z0-9._-]/g, '-');
  }

  close(): void {}

  #key(user: number, brief: string): string {
    return `queue:${this.#ws}:${user}:${brief}`;
  }

  /** #keys lists the stored keys starting with prefix. */
  async #keys(prefix: string): Promise<string[]> {
    const list = await this.#api.request<{ key: string }[]>('GET', `/api/local/store?prefix=${encodeURIComponent(prefix)}`, { base: '' });
    return (list ?? []).map((k) => k.key);
  }

  /** #read reads a brief's record; `stored` says the key is known to exist (else it is looked up first). */
  async #read(user: number, brief: string, stored = false): Promise<Record> {
    const key = this.#key(user, brief);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    let rec: Record = { brief: null, sections: {} };
    // A brief opened for the first time has no record: asking the list first
    // spares a 404, which the webview logs as an error.
    if (stored || (await this.#keys(key)).includes(key)) {
      try {
        const got = await this.#api.request<Record>('GET', `/api/local/store/${encodeURIComponent(key)}`, { base: '' });
        if (got && typeof got === 'object') rec = { brief: got.brief ?? null, sections: got.sections ?? {} };
      } catch (e) {
        if (!(e instanceof Error && 'code' in e && (e as { code: string }).code === 'not_found')) throw e;
      }
    }
    const raced = this.#cache.get(key);
    if (raced) return raced;
    this.#cache.set(key, rec);
    return rec;
  }

  #write(user: number, brief: string, rec: Record): Promise<void> {
    const key = this.#key(user, brief);
    const body = structuredClone(rec);
    const run = (this.#chains.get(key) ?? Promise.resolve()).then(() =>
      this.#api.request<void>('PUT', `/api/local/store/${encodeURIComponent(key)}`, { body, base: '' }),
    );
    const settled = run.catch(() => {});
    this.#chains.set(key, settled);
    return run;
  }

  async load(user: number, brief: string): Promise<{ brief: SavedBrief; sections: SavedSection[] } | null> {
    const rec = await this.#read(user, brief);
    if (!rec.brief) return null;
    const sections: SavedSection[] = [];
    const left = new Map(Object.entries(rec.sections));
    for (const key of rec.brief.order) {
      const s = left.get(key);
      if (s) sections.push(s);
      left.delete(key);
    }
    for (const s of left.values()) if (s.text !== s.base) sections.push(s);
    return { brief: rec.brief, sections };
  }

  async saveBrief(b: SavedBrief): Promise<void> {
    const rec = await this.#read(b.user, b.brief);
    rec.brief = b;
    await this.#write(b.user, b.brief, rec);
  }

  async saveSections(user: number, brief: string, list: SavedSection[]): Promise<void> {
    if (list.length === 0) return;
    const rec = await this.#read(user, brief);
    for (const s of list) rec.sections[s.key] = { ...s };
    await this.#write(user, brief, rec);
  }

  async removeSection(user: number, brief: string, key: string): Promise<void> {
    const rec = await this.#read(user, brief);
    delete rec.sections[key];
    await this.#write(user, brief, rec);
  }

  async unsent(user: number): Promise<Map<string, number>> {
    const prefix = `queue:${this.#ws}:${user}:`;
    const out = new Map<string, number>();
    for (const key of await this.#keys(prefix)) {
      const brief = key.slice(prefix.length);
      const rec = await this.#read(user, brief, true);
      let n = 0;
      for (const s of Object.values(rec.sections)) if (s.text !== s.base) n += Math.max(1, s.pending);
      if (n > 0) out.set(brief, n);
    }
    return out;
  }
}
