import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, errorMessage } from './client';
import {
  countWords,
  createVersion,
  diff,
  exportPath,
  exportPdf,
  foldEqual,
  isRef,
  listDecisions,
  listRevisions,
  listVersions,
  movedKeys,
  pdfFileName,
  previousOf,
  refName,
  restore,
  summarize,
  summaryText,
  type DiffSection,
  type Progress,
  type Version,
} from './history';

interface Call {
  url: string;
  init: RequestInit;
}

function recorder(answer: (c: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const c = { url: String(url), init: init ?? {} };
    calls.push(c);
    return answer(c);
  }) as typeof fetch;
  return { calls, fetchFn };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function header(c: Call, name: string): string | undefined {
  return (c.init.headers as Record<string, string>)[name];
}

/** A body that arrives in the given chunks. */
function streamed(chunks: Uint8Array[], headers: Record<string, string>): Response {
  const body = new ReadableStream<Uint8Array>({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(c);
      ctl.close();
    },
  });
  return new Response(body, { status: 200, headers });
}

describe('history calls', () => {
  it('build their paths with encoded ids and refs', async () => {
    const { calls, fetchFn } = recorder(() => json(200, []));
    const api = new ApiClient({ getToken: () => 'sess-1', fetch: fetchFn });
    const id = 'a b/c?d';
    await listRevisions(api, id);
    await listVersions(api, id);
    await listDecisions(api, id);
    await diff(api, id, 'v3', 'current');
    await diff(api, id, 'a&b=c');
    expect(calls.map((c) => c.url)).toEqual([
      '/api/briefs/a%20b%2Fc%3Fd/revisions',
      '/api/briefs/a%20b%2Fc%3Fd/versions',
      '/api/briefs/a%20b%2Fc%3Fd/decisions',
      '/api/briefs/a%20b%2Fc%3Fd/diff?from=v3&to=current',
      '/api/briefs/a%20b%2Fc%3Fd/diff?from=a%26b%3Dc&to=current',
    ]);
    expect(header(calls[0]!, 'Authorization')).toBe('Bearer sess-1');
  });

  it('post versions and restores as JSON', async () => {
    const { calls, fetchFn } = recorder(() => json(201, { id: 'v1' }));
    const api = new ApiClient({ getToken: () => 't', fetch: fetchFn });
    await createVersion(api, 'k1', 'Sent to Sam');
    await restore(api, 'k1', { version: 'v2' });
    await restore(api, 'k1', { revision: 7 });
    expect(calls.map((c) => [c.init.method, c.url, JSON.parse(String(c.init.body))])).toEqual([
      ['POST', '/api/briefs/k1/versions', { label: 'Sent to Sam' }],
      ['POST', '/api/briefs/k1/restore', { version: 'v2' }],
      ['POST', '/api/briefs/k1/restore', { revision: 7 }],
    ]);
  });
});

describe('exportPdf', () => {
  it('builds the URL: no version for the current text, encoded otherwise', () => {
    expect(exportPath('k1')).toBe('/api/briefs/k1/export.pdf');
    expect(exportPath('k1', 'current')).toBe('/api/briefs/k1/export.pdf');
    expect(exportPath('k1', 'v12')).toBe('/api/briefs/k1/export.pdf?version=v12');
    expect(exportPath('a/b', 'v1&x=y')).toBe('/api/briefs/a%2Fb/export.pdf?version=v1%26x%3Dy');
  });

  it('sends the bearer token and reports progress against Content-Length', async () => {
    const parts = [new Uint8Array([37, 80, 68, 70]), new Uint8Array([45, 49]), new Uint8Array([46, 55, 10, 10])];
    const { calls, fetchFn } = recorder(() =>
      streamed(parts, { 'Content-Type': 'application/pdf', 'Content-Length': '10', 'Content-Disposition': 'attachment' }),
    );
    const seen: Progress[] = [];
    const blob = await exportPdf({ token: () => 'bss_x', baseURL: 'http://h:1/', fetch: fetchFn }, 'k 1', 'v3', (p) => seen.push(p));
    expect(calls[0]!.url).toBe('http://h:1/api/briefs/k%201/export.pdf?version=v3');
    expect(header(calls[0]!, 'Authorization')).toBe('Bearer bss_x');
    expect(blob.type).toBe('application/pdf');
    expect(blob.size).toBe(10);
    expect(new TextDecoder().decode(await blob.arrayBuffer())).toBe('%PDF-1.7\n\n');
    expect(seen[0]).toEqual({ loaded: 0, total: 10 });
    expect(seen.map((p) => p.loaded)).toEqual([0, 4, 6, 10, 10]);
    expect(seen.every((p) => p.total === 10)).toBe(true);
  });

  it('reports progress without a total when there is no Content-Length', async () => {
    const { fetchFn } = recorder(() => streamed([new Uint8Array(3), new Uint8Array(5)], { 'Content-Type': 'application/pdf' }));
    const seen: Progress[] = [];
    const blob = await exportPdf({ token: () => null, fetch: fetchFn }, 'k1', undefined, (p) => seen.push(p));
    expect(blob.size).toBe(8);
    expect(seen.slice(0, 3)).toEqual([
      { loaded: 0, total: null },
      { loaded: 3, total: null },
      { loaded: 8, total: null },
    ]);
    // Once done, the total is known.
    expect(seen.at(-1)).toEqual({ loaded: 8, total: 8 });
  });

  it('sends no Authorization header without a token', async () => {
    const { calls, fetchFn } = recorder(() => streamed([new Uint8Array(1)], {}));
    await exportPdf({ token: () => null, fetch: fetchFn }, 'k1');
    expect(header(calls[0]!, 'Authorization')).toBeUndefined();
  });

  it("decodes the server's error", async () => {
    const { fetchFn } = recorder(() => json(404, { error: { code: 'not_found', message: 'version v9 not found' } }));
    const err = await exportPdf({ token: () => 't', fetch: fetchFn }, 'k1', 'v9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not_found');
    expect((err as ApiError).status).toBe(404);
    expect(errorMessage(err)).toBe('Version v9 not found.');
  });

  it('falls back to a plain message when the error body is not JSON', async () => {
    const { fetchFn } = recorder(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const err = (await exportPdf({ token: () => 't', fetch: fetchFn }, 'k1').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(/HTTP 502/);
  });

  it('turns a failed connection into a network error', async () => {
    const fetchFn = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const err = (await exportPdf({ token: () => 't', fetch: fetchFn }, 'k1').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('network');
  });

  it('tells the session about a 401', async () => {
    const onUnauthorized = vi.fn();
    const { fetchFn } = recorder(() => json(401, { error: { code: 'unauthorized', message: 'session expired' } }));
    const api = new ApiClient({ getToken: () => 't', fetch: fetchFn, onUnauthorized });
    const err = (await exportPdf({ token: () => 't', fetch: fetchFn, api }, 'k1').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    await vi.waitFor(() => expect(onUnauthorized).toHaveBeenCalled());
  });

  it('rethrows an abort', async () => {
    const ctl = new AbortController();
    const fetchFn = (async (_u: unknown, init?: RequestInit) => {
      if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
      return streamed([], {});
    }) as typeof fetch;
    ctl.abort();
    const err = await exportPdf({ token: () => 't', fetch: fetchFn }, 'k1', undefined, undefined, ctl.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
  });
});

describe('pdfFileName', () => {
  it('keeps safe characters only', () => {
    expect(pdfFileName('Labour-market integration: what works?')).toBe('labour-market-integration-what-works.pdf');
    expect(pdfFileName('Labour market', 'v3')).toBe('labour-market-v3.pdf');
    expect(pdfFileName('Labour market', 'current')).toBe('labour-market.pdf');
    expect(pdfFileName('Ærø, Łódź & Straße — café')).toBe('aero-lodz-strasse-cafe.pdf');
    expect(pdfFileName('<img src=x onerror=alert(1)>')).toBe('img-src-x-onerror-alert-1.pdf');
    expect(pdfFileName('../../etc/passwd')).toBe('etc-passwd.pdf');
    expect(pdfFileName('')).toBe('brief.pdf');
    expect(pdfFileName('日本語')).toBe('brief.pdf');
    expect(pdfFileName('x', 'v1/../')).toBe('x-v1.pdf');
  });

  it('cuts long titles at 60 characters', () => {
    const name = pdfFileName('word '.repeat(40));
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-z0-9-]+\.pdf$/);
    expect(name).not.toMatch(/-\.pdf$/);
  });
});

describe('diff helpers', () => {
  const s = (key: string, status: DiffSection['status'], extra: Partial<DiffSection> = {}): DiffSection => ({
    key,
    title: key,
    status,
    ops: [],
    ...extra,
  });

  it('counts words', () => {
    expect(countWords('')).toBe(0);
    expect(countWords(' Labour-market integration, of  refugees’ 2019 d’Alembert. ')).toBe(6);
  });

  it('summarises changed sections and words', () => {
    const secs: DiffSection[] = [
      s('a', 'changed', {
        ops: [
          { op: 'equal', text: 'one two ' },
          { op: 'delete', text: 'three four' },
          { op: 'insert', text: 'five' },
        ],
      }),
      s('b', 'same', { ops: [{ op: 'equal', text: 'untouched words' }] }),
      s('c', 'added', { ops: [{ op: 'insert', text: 'new section text' }] }),
      s('d', 'same', { oldTitle: 'Old d' }),
    ];
    const sum = summarize(secs);
    expect(sum).toEqual({ changed: 3, inserted: 4, deleted: 2 });
    expect(summaryText(sum)).toBe('3 sections changed: +4 words, −2 words');
    expect(summaryText({ changed: 1, inserted: 1, deleted: 0 })).toBe('1 section changed: +1 word');
    expect(summaryText({ changed: 2, inserted: 0, deleted: 1200 })).toBe('2 sections changed: −1,200 words');
    expect(summaryText({ changed: 1, inserted: 0, deleted: 0 })).toBe('1 section changed');
    expect(summaryText({ changed: 0, inserted: 0, deleted: 0 })).toBe('No changes');
  });

  it('finds moved sections, not those shifted by an addition or removal', () => {
    // a b c d → b a c d: one of a/b moved.
    const swapped = [s('b', 'same', { oldIndex: 1 }), s('a', 'same', { oldIndex: 0 }), s('c', 'same'), s('d', 'same')];
    expect(movedKeys(swapped).size).toBe(1);
    // x added at the front: everything shifts, nothing moved.
    const shifted = [s('x', 'added'), s('a', 'same', { oldIndex: 0 }), s('b', 'same', { oldIndex: 1 })];
    expect([...movedKeys(shifted)]).toEqual([]);
    // a removed at the front: b and c shift up, nothing moved.
    const removed = [s('a', 'removed', { oldIndex: 0 }), s('b', 'same', { oldIndex: 1 }), s('c', 'same', { oldIndex: 2 })];
    expect([...movedKeys(removed)]).toEqual([]);
    // d went to the front.
    const front = [s('d', 'same', { oldIndex: 3 }), s('a', 'same', { oldIndex: 0 }), s('b', 'same', { oldIndex: 1 }), s('c', 'same', { oldIndex: 2 })];
    expect([...movedKeys(front)]).toEqual(['d']);
  });

  it('folds long unchanged runs and keeps all text', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
    const text = lines.join('\n');
    const parts = foldEqual(text);
    expect(parts.map((p) => p.kind)).toEqual(['text', 'fold', 'text']);
    expect(parts[0]!.text).toBe('line 1\nline 2\n');
    expect(parts[1]).toMatchObject({ kind: 'fold', lines: 6 });
    expect(parts[2]!.text).toBe('line 9\nline 10');
    expect(parts.map((p) => p.text).join('')).toBe(text);
    // Short runs stay whole.
    expect(foldEqual('a\nb\nc\nd\ne\nf')).toEqual([{ kind: 'text', text: 'a\nb\nc\nd\ne\nf' }]);
    expect(foldEqual('one line')).toEqual([{ kind: 'text', text: 'one line' }]);
    // Trailing newline runs survive the round trip.
    const t2 = '\n\na\nb\nc\nd\ne\n\n';
    expect(foldEqual(t2).map((p) => p.text).join('')).toBe(t2);
  });

  it('names and checks refs', () => {
    const versions = [
      { id: 'v2', label: 'Second' },
      { id: 'v1', label: 'First' },
    ] as Version[];
    expect(refName('current')).toBe('the current text');
    expect(refName('submitted')).toBe('the last submission');
    expect(refName('v2', versions)).toBe('v2 “Second”');
    expect(refName('v9', versions)).toBe('v9');
    expect(refName('12')).toBe('revision 12');
    expect(refName('0')).toBe('the brief as created');
    expect(previousOf('v2', versions)).toBe('v1');
    expect(previousOf('v1', versions)).toBe('0');
    expect(previousOf('12', versions)).toBe('11');
    expect(previousOf('1', versions)).toBe('0');
    for (const ok of ['v1', '0', '12', 'current', 'lastReviewed', 'submitted']) expect(isRef(ok)).toBe(true);
    for (const bad of ['v0', '01', 'v', 'x', '', 'current ']) expect(isRef(bad)).toBe(false);
  });
});
