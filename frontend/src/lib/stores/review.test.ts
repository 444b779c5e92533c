import { describe, expect, test } from 'vitest';
import { ApiClient } from '$lib/api/client';
import type { Comment, Suggestion } from '$lib/api/review';
import { ReviewState } from './review.svelte';

function comment(id: number, parent: number | null, extra: Partial<Comment> = {}): Comment {
  return {
    id,
    brief: 'b1',
    parent,
    section: 'introduction',
    start: 0,
    end: 5,
    version: 3,
    quote: 'Hello',
    baseVersion: 3,
    detached: false,
    body: `body ${id}`,
    author: { id: 1, name: 'Ana' },
    createdAt: '2026-12-03T10:00:00Z',
    resolved: false,
    ...extra,
  };
}

/** A fetch that answers from a table of "METHOD path" → [status, body], recording the calls. */
function server(routes: Record<string, [number, unknown]>) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    const method = init?.method ?? 'GET';
    calls.push({ method, path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const r = routes[`${method} ${path}`] ?? [404, { error: { code: 'not_found', message: 'no route' } }];
    return new Response(JSON.stringify(r[1]), { status: r[0], headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { calls, api: new ApiClient({ getToken: () => 't', fetch: f }) };
}

describe('ReviewState', () => {
  test('threads group replies under their first comment; a resolve reaches the whole thread', () => {
    const r = new ReviewState('b1', server({}).api);
    r.receive({ type: 'comment', action: 'created', comment: comment(1, null) });
    r.receive({ type: 'comment', action: 'created', comment: comment(2, 1) });
    r.receive({ type: 'comment', action: 'created', comment: comment(3, null, { section: 'other' }) });
    expect(r.threads('introduction').map((t) => [t.root.id, t.replies.map((c) => c.id)])).toEqual([[1, [2]]]);
    expect(r.threads().length).toBe(2);
    r.receive({ type: 'comment', action: 'resolved', comment: comment(1, null, { resolved: true }) });
    expect(r.comments.find((c) => c.id === 2)?.resolved).toBe(true);
  });

  test('a deleted reply goes; a deleted first comment with replies stays as a stub', () => {
    const r = new ReviewState('b1', server({}).api);
    r.receive({ type: 'comment', action: 'created', comment: comment(1, null) });
    r.receive({ type: 'comment', action: 'created', comment: comment(2, 1) });
    r.receive({ type: 'comment', action: 'deleted', comment: comment(2, 1, { deleted: true, body: '' }) });
    expect(r.comments.map((c) => c.id)).toEqual([1]);
    r.receive({ type: 'comment', action: 'created', comment: comment(4, 1) });
    r.receive({ type: 'comment', action: 'deleted', comment: comment(1, null, { deleted: true, body: '' }) });
    expect(r.threads()[0]?.root.deleted).toBe(true);
    expect(r.threads()[0]?.replies.map((c) => c.id)).toEqual([4]);
  });

  test('a refused suggestion stays with its text and reason, and can be sent again', async () => {
    const s = server({ 'POST /api/briefs/b1/suggestions': [409, { error: { code: 'conflict', message: 'the text changed' } }] });
    const r = new ReviewState('b1', s.api);
    const range = { section: 'introduction', start: 2, end: 4, quote: 'll', baseVersion: 3 };
    await r.suggest([{ range, replacement: 'LL' }]);
    expect(r.outgoing).toHaveLength(1);
    expect(r.outgoing[0]?.error).toMatch(/text changed/i);
    expect(s.calls[0]?.body).toEqual({ ...range, replacement: 'LL' });

    const ok: Suggestion = {
      id: 9, brief: 'b1', section: 'introduction', origin: 'suggestion', start: 2, end: 4, version: 3, quote: 'll', replacement: 'LL',
      baseVersion: 3, detached: false, stale: false, status: 'open', author: { id: 1, name: 'Ana' }, createdAt: '2026-12-03T10:00:00Z',
    };
    s.calls.length = 0;
    const s2 = server({ 'POST /api/briefs/b1/suggestions': [201, ok] });
    const r2 = new ReviewState('b1', s2.api);
    await r2.suggest([{ range, replacement: 'LL' }]);
    expect(r2.outgoing).toHaveLength(0);
    expect(r2.openSuggestions('introduction').map((x) => x.id)).toEqual([9]);
    // The room's echo of the same suggestion does not duplicate it.
    r2.receive({ type: 'suggestion', action: 'created', suggestion: ok });
    expect(r2.suggestions).toHaveLength(1);
  });
});
