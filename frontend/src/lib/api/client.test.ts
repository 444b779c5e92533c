import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, errorMessage } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function client(answer: (c: Call) => Response | Promise<Response>, token: string | null = 'sess-1') {
  const calls: Call[] = [];
  const onUnauthorized = vi.fn();
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const c = { url: String(url), init: init ?? {} };
    calls.push(c);
    return answer(c);
  }) as typeof fetch;
  const api = new ApiClient({ getToken: () => token, onUnauthorized, fetch: fetchFn });
  return { api, calls, onUnauthorized };
}

function header(c: Call, name: string): string | undefined {
  return (c.init.headers as Record<string, string>)[name];
}

describe('ApiClient', () => {
  it('sends the session as a bearer token and decodes JSON', async () => {
    const { api, calls } = client(() => json(200, [{ id: 'k3x9a0b1c2d3', title: 'A' }]));
    const got = await api.listBriefs();
    expect(got).toEqual([{ id: 'k3x9a0b1c2d3', title: 'A' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/briefs');
    expect(calls[0]!.init.method).toBe('GET');
    expect(header(calls[0]!, 'Authorization')).toBe('Bearer sess-1');
    expect(calls[0]!.init.body).toBeUndefined();
  });

  it('sends no Authorization header when signed out', async () => {
    const { api, calls } = client(() => json(200, { id: 1 }), null);
    await api.me();
    expect(header(calls[0]!, 'Authorization')).toBeUndefined();
  });

  it('posts JSON bodies', async () => {
    const brief = { id: 'p0q1r2s3t4u5', title: 'T', type: 'discussion-brief', status: 'draft', metadata: {}, sections: [] };
    const { api, calls } = client(() => json(201, brief));
    const got = await api.createBrief({ type: 'discussion-brief', title: 'T' });
    expect(got).toEqual(brief);
    expect(calls[0]!.init.method).toBe('POST');
    expect(header(calls[0]!, 'Content-Type')).toBe('application/json');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ type: 'discussion-brief', title: 'T' });
  });

  it('logs in without a token and without treating 401 as a lost session', async () => {
    const { api, calls, onUnauthorized } = client(() =>
      json(401, { error: { code: 'unauthorized', message: 'This login link is invalid or has expired.' } }),
    );
    const err = await api.login('used-token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('unauthorized');
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toBe('This login link is invalid or has expired.');
    expect(header(calls[0]!, 'Authorization')).toBeUndefined();
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ token: 'used-token' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('reports a 401 on an authenticated call', async () => {
    const { api, onUnauthorized } = client(() =>
      json(401, { error: { code: 'unauthorized', message: 'session expired' } }),
    );
    await expect(api.me()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized.mock.calls[0]![0]).toBeInstanceOf(ApiError);
  });

  it.each([
    ['OK coded error', json(404, { error: { code: 'not_found', message: 'brief not found' } }), 'not_found', 'brief not found'],
    ['plain text 502', new Response('Bad Gateway', { status: 502 }), 'internal', 'The server had a problem (HTTP 502). Try again in a moment.'],
    ['HTML 413', new Response('<h1>too big</h1>', { status: 413 }), 'too_large', 'The request failed (HTTP 413).'],
    ['JSON without error', json(409, { nope: true }), 'conflict', 'The request failed (HTTP 409).'],
  ])('maps %s to ApiError', async (_name, res, code, message) => {
    const { api, onUnauthorized } = client(() => res);
    const err = (await api.templates().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('turns a network failure into a "network" ApiError', async () => {
    const { api } = client(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('network');
    expect(err.status).toBe(0);
    expect(errorMessage(err)).toMatch(/Cannot reach the Brief Studio server/);
  });

  it('passes an abort through unchanged', async () => {
    const { api } = client(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    await expect(api.request('GET', '/api/me', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('renews the session with the current token', async () => {
    const res = { sessionToken: 'sess-2', expiresAt: '2026-12-01T00:00:00Z', user: { id: 1 } };
    const { api, calls } = client(() => json(200, res));
    await expect(api.renew()).resolves.toEqual(res);
    expect(calls[0]!.url).toBe('/api/session/renew');
    expect(calls[0]!.init.method).toBe('POST');
    expect(header(calls[0]!, 'Authorization')).toBe('Bearer sess-1');
  });

  it('accepts empty answers (204)', async () => {
    const { api, calls } = client(() => new Response(null, { status: 204 }));
    await expect(api.logout()).resolves.toBeUndefined();
    expect(calls[0]!.init.method).toBe('POST');
    expect(header(calls[0]!, 'Authorization')).toBe('Bearer sess-1');
  });

  it('rejects an unreadable success body', async () => {
    const { api } = client(() => new Response('<html>', { status: 200 }));
    await expect(api.me()).rejects.toMatchObject({ code: 'internal' });
  });

  it('prefixes a base URL', async () => {
    const calls: string[] = [];
    const api = new ApiClient({
      baseURL: 'http://127.0.0.1:9/',
      getToken: () => null,
      fetch: (async (u: string | URL | Request) => {
        calls.push(String(u));
        return json(200, { ok: true, version: '1' });
      }) as typeof fetch,
    });
    await api.health();
    expect(calls).toEqual(['http://127.0.0.1:9/api/health']);
  });
});

describe('errorMessage', () => {
  it.each([
    [new ApiError('unauthorized', 'this login link was already used: ask for a new one', 401), 'This login link was already used: ask for a new one.'],
    [new ApiError('invalid', 'Title is required.', 400), 'Title is required.'],
    [new Error('boom'), 'Boom.'],
    ['is it?', 'Is it?'],
    [42, 'Something went wrong.'],
    [new Error(''), 'Something went wrong.'],
  ])('%s', (err, want) => {
    expect(errorMessage(err)).toBe(want);
  });
});
