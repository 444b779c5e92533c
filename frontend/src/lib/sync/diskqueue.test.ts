import { describe, expect, test } from 'vitest';
import { ApiClient, ApiError } from '$lib/api/client';
import { DiskStore } from './diskqueue';
import type { SavedBrief } from './queue';

/** fakeStore is the embedded server's /api/local/store in memory, answering after a tick, with a log of calls. */
function fakeStore(): { api: ApiClient; data: Map<string, unknown>; calls: string[] } {
  const data = new Map<string, unknown>();
  const calls: string[] = [];
  const api = new ApiClient({ getToken: () => 'bss_local' });
  api.request = async <T>(method: string, path: string, opts: { body?: unknown } = {}): Promise<T> => {
    calls.push(`${method} ${path}`);
    await new Promise((r) => setTimeout(r, 1));
    const u = new URL(path, 'http://x');
    if (u.pathname === '/api/local/store') {
      const prefix = u.searchParams.get('prefix') ?? '';
      return [...data.keys()].filter((k) => k.startsWith(prefix)).sort().map((key) => ({ key, size: 1, updatedAt: '' })) as T;
    }
    const key = decodeURIComponent(u.pathname.slice('/api/local/store/'.length));
    if (method === 'PUT') {
      data.set(key, structuredClone(opts.body));
      return undefined as T;
    }
    if (!data.has(key)) throw new ApiError('not_found', 'no such key', 404);
    return structuredClone(data.get(key)) as T;
  };
  return { api, data, calls };
}

const head = (user: number, brief: string, order: string[]): SavedBrief => ({
  id: `${user}:${brief}`,
  user,
  brief,
  clientId: 'tab-1',
  title: 'T',
  status: 'draft',
  type: 'discussion-brief',
  role: 'author',
  order,
  savedAt: 1,
});

describe('offline queue on disk (desktop)', () => {
  test('a brief saved for the first time: no GET of an absent key (a 404 the webview logs)', async () => {
    const { api, calls } = fakeStore();
    const store = new DiskStore(api, 'local');
    expect(await store.load(1, 'b1')).toBeNull();
    expect(calls.filter((c) => c.startsWith('GET /api/local/store/'))).toEqual([]);
  });

  test('the brief and its sections saved at once (as seed does) both land', async () => {
    const { api, data } = fakeStore();
    const store = new DiskStore(api, 'team');
    await Promise.all([
      store.saveBrief(head(2, 'b1', ['a'])),
      store.saveSections(2, 'b1', [{ key: 'a', title: 'A', text: 'typed offline', base: '', m: 0, acked: 0, pending: 2 }]),
    ]);
    const rec = data.get('queue:team:2:b1') as { brief: SavedBrief | null; sections: Record<string, unknown> };
    expect(rec.brief?.clientId).toBe('tab-1');
    expect(Object.keys(rec.sections)).toEqual(['a']);

    // An app restart: a new store reads it back from disk.
    const again = new DiskStore(api, 'team');
    const got = await again.load(2, 'b1');
    expect(got?.sections.map((s) => s.text)).toEqual(['typed offline']);
    expect(await again.unsent(2)).toEqual(new Map([['b1', 2]]));
    expect(await new DiskStore(api, 'local').unsent(2)).toEqual(new Map());
  });
});
