// The offline queue: every open brief's sections {text, base, m, acked} in
// IndexedDB, so edits typed without a link survive a reload or a restart
// and go out with the next hello (PROTOCOL.md "Reconnect").

import type { SavedSection } from './engine';

/** What is kept of a brief besides its sections, to open it without the server. */
export interface SavedBrief {
  /** `${user}:${brief}` */
  id: string;
  user: number;
  brief: string;
  clientId: string;
  title: string;
  status: string;
  type: string;
  role: string;
  metadata?: Record<string, unknown>;
  order: string[];
  savedAt: number;
}

interface SectionRecord extends SavedSection {
  /** `${user}:${brief}|${key}` */
  id: string;
}

const DB_VERSION = 1;

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** QueueStore is where the offline queue lives: IndexedDB (OfflineStore) or, in the desktop app, its data folder (DiskStore). */
export interface QueueStore {
  close(): void;
  load(user: number, brief: string): Promise<{ brief: SavedBrief; sections: SavedSection[] } | null>;
  saveBrief(b: SavedBrief): Promise<void>;
  saveSections(user: number, brief: string, list: SavedSection[]): Promise<void>;
  removeSection(user: number, brief: string, key: string): Promise<void>;
  unsent(user: number): Promise<Map<string, number>>;
}

/** OfflineStore wraps the IndexedDB database of the offline queue. */
export class OfflineStore implements QueueStore {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /** open opens (and creates) the database; it rejects where IndexedDB is unavailable. */
  static async open(name = 'briefstudio-sync', factory: IDBFactory = globalThis.indexedDB): Promise<OfflineStore> {
    if (!factory) throw new Error('IndexedDB is not available');
    const r = factory.open(name, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains('briefs')) db.createObjectStore('briefs', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('sections')) db.createObjectStore('sections', { keyPath: 'id' });
    };
    return new OfflineStore(await req(r));
  }

  close(): void {
    this.#db.close();
  }

  /** load returns a brief and its sections in outline order, or null. */
  async load(user: number, brief: string): Promise<{ brief: SavedBrief; sections: SavedSection[] } | null> {
    const id = `${user}:${brief}`;
    const tx = this.#db.transaction(['briefs', 'sections'], 'readonly');
    const b = (await req(tx.objectStore('briefs').get(id))) as SavedBrief | undefined;
    const range = IDBKeyRange.bound(`${id}|`, `${id}|\uffff`);
    const recs = (await req(tx.objectStore('sections').getAll(range))) as SectionRecord[];
    if (!b) return null;
    const byKey = new Map(recs.map((r) => [r.key, r]));
    const sections: SavedSection[] = [];
    for (const key of b.order) {
      const r = byKey.get(key);
      if (r) sections.push(strip(r));
      byKey.delete(key);
    }
    // Sections with unsent text that left the outline still go out (hello answers not_found, then keep).
    for (const r of byKey.values()) if (r.text !== r.base) sections.push(strip(r));
    return { brief: b, sections };
  }

  /** saveBrief stores a brief's head and outline. */
  async saveBrief(b: SavedBrief): Promise<void> {
    const tx = this.#db.transaction('briefs', 'readwrite');
    tx.objectStore('briefs').put(b);
    await done(tx);
  }

  /** saveSections stores sections of a brief in one transaction. */
  async saveSections(user: number, brief: string, list: SavedSection[]): Promise<void> {
    if (list.length === 0) return;
    const tx = this.#db.transaction('sections', 'readwrite');
    const store = tx.objectStore('sections');
    for (const s of list) store.put({ ...s, id: `${user}:${brief}|${s.key}` } satisfies SectionRecord);
    await done(tx);
  }

  /** removeSection forgets a section that is gone and has nothing unsent. */
  async removeSection(user: number, brief: string, key: string): Promise<void> {
    const tx = this.#db.transaction('sections', 'readwrite');
    tx.objectStore('sections').delete(`${user}:${brief}|${key}`);
    await done(tx);
  }

  /** unsent lists the briefs of a user with changes not yet acknowledged, with their count. */
  async unsent(user: number): Promise<Map<string, number>> {
    const tx = this.#db.transaction('sections', 'readonly');
    const range = IDBKeyRange.bound(`${user}:`, `${user}:\uffff`);
    const recs = (await req(tx.objectStore('sections').getAll(range))) as SectionRecord[];
    const out = new Map<string, number>();
    for (const r of recs) {
      if (r.text === r.base) continue;
      const brief = r.id.slice(`${user}:`.length, r.id.indexOf('|'));
      out.set(brief, (out.get(brief) ?? 0) + Math.max(1, r.pending));
    }
    return out;
  }
}

function strip(r: SectionRecord): SavedSection {
  return { key: r.key, title: r.title, text: r.text, base: r.base, m: r.m, acked: r.acked, pending: r.pending ?? 0 };
}
