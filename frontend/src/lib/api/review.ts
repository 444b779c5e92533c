// Review over the HTTP API (docs/API.md "Review"): comments, suggestions and
// workflow decisions. Offsets count code points of the section's text.

import type { ApiClient } from './client';
import type { Brief } from './types';

/** Someone named on a review item. */
export interface Person {
  id: number;
  name: string;
}

/** A comment; a thread is its first comment (parent null) and the replies that follow it. */
export interface Comment {
  id: number;
  brief: string;
  parent: number | null;
  section: string;
  start: number;
  end: number;
  /** The section version start..end refers to. */
  version: number;
  quote: string;
  baseVersion: number;
  detached: boolean;
  body: string;
  author: Person;
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
  resolved: boolean;
  resolvedBy?: Person;
  resolvedAt?: string;
}

/** A suggested replacement of a range; `origin: "merge"` is an unresolved merge of a stale edit. */
export interface Suggestion {
  id: number;
  brief: string;
  section: string;
  origin: 'suggestion' | 'merge';
  start: number;
  end: number;
  version: number;
  quote: string;
  replacement: string;
  base?: string;
  baseVersion: number;
  detached: boolean;
  /** The range no longer reads the quote: accepting would be a conflict. */
  stale: boolean;
  status: 'open' | 'accepted' | 'rejected';
  author: Person;
  createdAt: string;
  decidedBy?: Person;
  decidedAt?: string;
  appliedVersion?: number;
}

/** A workflow step: submit, approve or request changes. */
export interface Decision {
  id: number;
  brief: string;
  decision: 'submit' | 'approve' | 'request_changes';
  note: string;
  /** The named version it recorded ("v3"). */
  version: string;
  status: string;
  by: Person;
  createdAt: string;
}

/** A range of a section at a version, in code points. */
export interface Range {
  section: string;
  start: number;
  end: number;
  quote: string;
  baseVersion: number;
}

/** The answer of accept-all. */
export interface AcceptAllResult {
  accepted: Suggestion[];
  refused: { id: number; code: string; message: string }[];
}

const enc = encodeURIComponent;

/** ReviewApi wraps the review routes for one client. */
export class ReviewApi {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  comments(brief: string, section?: string): Promise<Comment[]> {
    const q = section ? `?section=${enc(section)}` : '';
    return this.#api.request('GET', `/api/briefs/${enc(brief)}/comments${q}`);
  }

  comment(brief: string, r: Range, body: string): Promise<Comment> {
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/comments`, { body: { ...r, body } });
  }

  reply(brief: string, parent: number, body: string): Promise<Comment> {
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/comments`, { body: { parent, body } });
  }

  editComment(id: number, body: string): Promise<Comment> {
    return this.#api.request('PATCH', `/api/comments/${id}`, { body: { body } });
  }

  deleteComment(id: number): Promise<void> {
    return this.#api.request('DELETE', `/api/comments/${id}`);
  }

  resolve(id: number, open = false): Promise<Comment> {
    return this.#api.request('POST', `/api/comments/${id}/${open ? 'reopen' : 'resolve'}`);
  }

  suggestions(brief: string, section?: string): Promise<Suggestion[]> {
    const q = section ? `?section=${enc(section)}` : '';
    return this.#api.request('GET', `/api/briefs/${enc(brief)}/suggestions${q}`);
  }

  suggest(brief: string, r: Range, replacement: string): Promise<Suggestion> {
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/suggestions`, { body: { ...r, replacement } });
  }

  decide(id: number, accept: boolean): Promise<Suggestion> {
    return this.#api.request('POST', `/api/suggestions/${id}/${accept ? 'accept' : 'reject'}`);
  }

  acceptAll(brief: string, section?: string): Promise<AcceptAllResult> {
    const q = section ? `?section=${enc(section)}` : '';
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/suggestions/accept-all${q}`);
  }

  decisions(brief: string): Promise<Decision[]> {
    return this.#api.request('GET', `/api/briefs/${enc(brief)}/decisions`);
  }

  submit(brief: string, note: string): Promise<Brief & { decision: Decision }> {
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/submit`, { body: note ? { note } : {} });
  }

  review(brief: string, decision: 'approve' | 'request_changes', note: string): Promise<Brief & { decision: Decision }> {
    return this.#api.request('POST', `/api/briefs/${enc(brief)}/review`, { body: { decision, note } });
  }
}
