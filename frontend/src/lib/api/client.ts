// A small typed client for the Brief Studio HTTP API. It runs unchanged in the
// browser (against `briefstudio serve`) and in the desktop window (where the
// same relative URLs reach the embedded server through Wails' asset server).

import type {
  Brand,
  Brief,
  BriefPatch,
  BriefSummary,
  Health,
  LoginResult,
  NewBrief,
  SearchHit,
  Section,
  Template,
  User,
} from './types';

/** Error codes of the API, plus "network" when the server cannot be reached. */
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'internal'
  | 'network'
  | (string & {});

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
};

/** ApiError is a failed API call: the server's `{"error":{code,message}}`, or a network failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** Machine-readable code, e.g. "unauthorized" or "network". */
  readonly code: ErrorCode;
  /** HTTP status, 0 when no answer came. */
  readonly status: number;

  constructor(code: ErrorCode, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Options of an ApiClient. */
export interface ClientOptions {
  /** Prefix of every path; "" (the default) means the page's own origin. */
  baseURL?: string;
  /** Returns the bearer token to send, or null when signed out. */
  getToken: () => string | null;
  /** Called when an authenticated call answers 401 (session ended or revoked). */
  onUnauthorized?: (err: ApiError) => void;
  /** fetch to use (tests inject one); defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface RequestOptions {
  body?: unknown;
  /** false: send no token and do not report a 401 as a lost session (login). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Another prefix than the client's (desktop: "" for the embedded server's own routes). */
  base?: string;
}

/** ApiClient calls the Brief Studio REST API with the current session. */
export class ApiClient {
  #baseURL: string;
  readonly #getToken: () => string | null;
  readonly #onUnauthorized: ((err: ApiError) => void) | undefined;
  readonly #fetch: typeof fetch;

  constructor(opts: ClientOptions) {
    this.#baseURL = (opts.baseURL ?? '').replace(/\/+$/, '');
    this.#getToken = opts.getToken;
    this.#onUnauthorized = opts.onUnauthorized;
    // Bound, because window.fetch throws "Illegal invocation" when called as a method of another object.
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** baseURL is the prefix of every path ("" = this origin; "/w/ID" = a shared server through the desktop's proxy). */
  get baseURL(): string {
    return this.#baseURL;
  }

  /** setBaseURL points the client at another workspace (desktop: "/w/ID"). */
  setBaseURL(u: string): void {
    this.#baseURL = u.replace(/\/+$/, '');
  }

  /** request sends one call and decodes its JSON answer; it throws ApiError on any failure. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const auth = opts.auth ?? true;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers, cache: 'no-store' };
    if (opts.signal) init.signal = opts.signal;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    if (auth) {
      const token = this.#getToken();
      if (token) headers['Authorization'] = `Bearer ${token}`;
    }

    let res: Response;
    try {
      res = await this.#fetch((opts.base ?? this.#baseURL) + path, init);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(
        'network',
        'Cannot reach the Brief Studio server. Check your connection and try again.',
        0,
      );
    }

    if (!res.ok) {
      const err = await errorFrom(res);
      // The desktop's proxy cannot reach a shared server: as good as offline.
      if (err.code === 'unreachable') throw new ApiError('network', err.message, 0);
      if (auth && err.status === 401) this.#onUnauthorized?.(err);
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('internal', `The server sent an unreadable answer (HTTP ${res.status}).`, res.status);
    }
  }

  /** health reports whether the server is up and its version (no session needed). */
  health(): Promise<Health> {
    return this.request('GET', '/api/health', { auth: false });
  }

  /** login trades a login-link token (or an API token) for a session. */
  login(token: string): Promise<LoginResult> {
    return this.request('POST', '/api/login', { body: { token }, auth: false });
  }

  /** renew extends the current session; the answer may carry a new token. */
  renew(): Promise<LoginResult> {
    return this.request('POST', '/api/session/renew');
  }

  /** logout ends the current session on the server. */
  logout(): Promise<void> {
    return this.request('POST', '/api/logout');
  }

  /** me returns the signed-in user. */
  me(): Promise<User> {
    return this.request('GET', '/api/me');
  }

  /** listBriefs returns the briefs the user may see. */
  listBriefs(): Promise<BriefSummary[]> {
    return this.request('GET', '/api/briefs');
  }

  /** templates returns the brief types a brief can be created from. */
  templates(): Promise<Template[]> {
    return this.request('GET', '/api/templates');
  }

  /** createBrief creates a brief from a template; the caller becomes its author. */
  createBrief(brief: NewBrief): Promise<Brief> {
    return this.request('POST', '/api/briefs', { body: brief });
  }

  /** getBrief returns a brief with its sections' texts. */
  getBrief(id: string): Promise<Brief> {
    return this.request('GET', `/api/briefs/${enc(id)}`);
  }

  /** patchBrief changes the title, metadata (field by field) or the outline (order and titles). */
  patchBrief(id: string, patch: BriefPatch): Promise<Brief> {
    return this.request('PATCH', `/api/briefs/${enc(id)}`, { body: patch });
  }

  /** archiveBrief archives a brief (an admin can bring it back). */
  archiveBrief(id: string): Promise<void> {
    return this.request('DELETE', `/api/briefs/${enc(id)}`);
  }

  /** duplicateBrief copies a brief into a new draft of which the caller is the author. */
  duplicateBrief(id: string): Promise<Brief> {
    return this.request('POST', `/api/briefs/${enc(id)}/duplicate`);
  }

  /** addSection adds a section after `after` (at the end without it). */
  addSection(id: string, title: string, after?: string): Promise<Section> {
    return this.request('POST', `/api/briefs/${enc(id)}/sections`, { body: after ? { title, after } : { title } });
  }

  /** removeSection removes a section (its history stays). */
  removeSection(id: string, key: string): Promise<void> {
    return this.request('DELETE', `/api/briefs/${enc(id)}/sections/${enc(key)}`);
  }

  /** search finds briefs whose title or text holds every word. */
  search(q: string, signal?: AbortSignal): Promise<SearchHit[]> {
    const opts: RequestOptions = signal ? { signal } : {};
    return this.request('GET', `/api/search?q=${encodeURIComponent(q)}&limit=20`, opts);
  }

  /** brand returns the brand profile (colours, project name). */
  brand(): Promise<Brand> {
    return this.request('GET', '/api/brand');
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/**
 * errorFrom turns a failed answer into an ApiError: the server's
 * `{"error":{code,message}}`, else a code from the status and `message`
 * (or a sentence about the status). Every fetch of the UI decodes errors here.
 */
export async function errorFrom(res: Response, message?: string): Promise<ApiError> {
  const fallback = codeByStatus[res.status] ?? (res.status >= 500 ? 'internal' : 'invalid');
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError(body.error.code || fallback, body.error.message || defaultMessage(res), res.status);
  }
  return new ApiError(fallback, message ?? defaultMessage(res), res.status);
}

function defaultMessage(res: Response): string {
  if (res.status === 401) return 'You are not signed in.';
  if (res.status >= 500) return `The server had a problem (HTTP ${res.status}). Try again in a moment.`;
  return `The request failed (HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}).`;
}

function isErrorBody(v: unknown): v is { error: { code: string; message: string } } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/** errorMessage turns anything thrown into a sentence to show the user. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error && e.message) return sentence(e.message);
  if (typeof e === 'string' && e !== '') return sentence(e);
  return 'Something went wrong.';
}

/** sentence capitalises s and ends it with a full stop, as messages are shown on their own. */
export function sentence(s: string): string {
  const t = s.trim();
  if (t === '') return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}
