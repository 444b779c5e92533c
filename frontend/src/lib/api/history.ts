// History of a brief over the HTTP API (docs/API.md, "History, diff,
// restore, search" and "Export"): revisions, named versions, diffs,
// restores, review decisions and the PDF export, plus the small pure
// helpers the History view and the export dialog are built on.

import { ApiError, errorFrom, type ApiClient } from './client';
import type { Brief } from './types';

/** Someone who wrote, named or decided something. */
export interface Person {
  id: number;
  name: string;
}

/** A revision: consecutive edits of one section by one author (GET /api/briefs/{id}/revisions). */
export interface Revision {
  /** Starts at 1 per brief, never changes. */
  number: number;
  /** The section's key. */
  section: string;
  author: Person;
  /** RFC 3339. */
  createdAt: string;
  updatedAt: string;
  fromVersion: number;
  toVersion: number;
}

/** How a named version came to be. */
export type VersionKind = 'manual' | 'submit' | 'approve' | 'request_changes';

/** A section as a named version holds it. */
export interface VersionSection {
  key: string;
  title: string;
  version: number;
}

/** A named version ("v3"): every section's version at a moment. */
export interface Version {
  id: string;
  number: number;
  label: string;
  kind: VersionKind | (string & {});
  revision: number;
  createdBy: Person;
  createdAt: string;
  sections: VersionSection[];
}

/** One operation of a word diff. */
export interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** How a section differs between the two sides of a diff. */
export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

/** One section of a diff, in the order of `to` (a removed one after its old predecessor). */
export interface DiffSection {
  key: string;
  title: string;
  status: DiffStatus;
  /** The title in `from`, when the section was renamed. */
  oldTitle?: string;
  /** The position in `from`, when it changed. */
  oldIndex?: number;
  ops: DiffOp[];
}

/** The answer of GET /api/briefs/{id}/diff. */
export interface Diff {
  from: string;
  to: string;
  sections: DiffSection[];
}

/** A review decision (GET /api/briefs/{id}/decisions). */
export interface Decision {
  id: number;
  brief: string;
  decision: 'submit' | 'approve' | 'request_changes' | (string & {});
  note: string;
  /** The named version it recorded ("v12"). */
  version: string;
  status: string;
  by: Person;
  createdAt: string;
}

/** What a restore goes back to. */
export type RestoreTarget = { version: string } | { revision: number };

/** The answer of POST /api/briefs/{id}/restore. */
export interface RestoreResult {
  edits: VersionSection[];
  brief: Brief;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** listRevisions returns the brief's revisions, newest first. */
export function listRevisions(api: ApiClient, id: string): Promise<Revision[]> {
  return api.request('GET', `/api/briefs/${enc(id)}/revisions`);
}

/** listVersions returns the brief's named versions, newest first. */
export function listVersions(api: ApiClient, id: string): Promise<Version[]> {
  return api.request('GET', `/api/briefs/${enc(id)}/versions`);
}

/** createVersion names the brief's current state (authors). */
export function createVersion(api: ApiClient, id: string, label: string): Promise<Version> {
  return api.request('POST', `/api/briefs/${enc(id)}/versions`, { body: { label } });
}

/**
 * diff compares two states of the brief. A side is a named version ("v3"),
 * a revision number ("7"; "0" is the brief as created), "current",
 * "lastReviewed" or "submitted".
 */
export function diff(api: ApiClient, id: string, from: string, to = 'current', signal?: AbortSignal): Promise<Diff> {
  const path = `/api/briefs/${enc(id)}/diff?from=${enc(from)}&to=${enc(to)}`;
  return api.request('GET', path, signal ? { signal } : {});
}

/** restore brings every section back to a named version or a revision, with new edits (authors). */
export function restore(api: ApiClient, id: string, target: RestoreTarget): Promise<RestoreResult> {
  return api.request('POST', `/api/briefs/${enc(id)}/restore`, { body: target });
}

/** listDecisions returns the brief's review decisions, oldest first. */
export function listDecisions(api: ApiClient, id: string): Promise<Decision[]> {
  return api.request('GET', `/api/briefs/${enc(id)}/decisions`);
}

// ---- Export ----------------------------------------------------------------

/** How far a download is: `total` is null when the server sent no Content-Length. */
export interface Progress {
  loaded: number;
  total: number | null;
}

/** Where and how to fetch the PDF. */
export interface PdfSource {
  /** The session's bearer token (Session.token). */
  token: () => string | null;
  /** Prefix of the path; "" (the default) is the page's own origin. */
  baseURL?: string;
  /** fetch to use (tests inject one); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** The session's client: told about a 401 (through GET /api/me) so the session ends as it does for any call. */
  api?: ApiClient;
}

const NETWORK_MESSAGE = 'Cannot reach the Brief Studio server. Check your connection and try again.';

/** exportPath is the address of a brief's PDF; no version (or "current") is the current text. */
export function exportPath(id: string, version?: string): string {
  const q = version && version !== 'current' ? `?version=${enc(version)}` : '';
  return `/api/briefs/${enc(id)}/export.pdf${q}`;
}

/**
 * exportPdf fetches the branded PDF of the brief (the current text, a named
 * version or a revision) with the session's token, reporting progress as the
 * body arrives, and returns it as a Blob. Failures are ApiErrors carrying the
 * server's message; an abort rethrows the AbortError.
 */
export async function exportPdf(
  src: PdfSource,
  id: string,
  version?: string,
  onProgress?: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<Blob> {
  const doFetch = src.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { Accept: 'application/pdf' };
  const token = src.token();
  if (token) headers['Authorization'] = `Bearer ${token}`;
  const init: RequestInit = { method: 'GET', headers, cache: 'no-store' };
  if (signal) init.signal = signal;
  const url = (src.baseURL ?? '').replace(/\/+$/, '') + exportPath(id, version);

  let res: Response;
  try {
    res = await doFetch(url, init);
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError('network', NETWORK_MESSAGE, 0);
  }
  if (!res.ok) {
    const err = await decodeError(res);
    if (err.status === 401 && src.api) void src.api.me().catch(() => undefined);
    throw err;
  }

  const len = Number(res.headers.get('Content-Length'));
  const total = Number.isFinite(len) && len > 0 ? len : null;
  const type = res.headers.get('Content-Type')?.split(';')[0]?.trim() || 'application/pdf';
  onProgress?.({ loaded: 0, total });
  if (!res.body) {
    const b = await res.blob();
    onProgress?.({ loaded: b.size, total: total ?? b.size });
    return b.type ? b : new Blob([b], { type });
  }

  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      chunks.push(value as Uint8Array<ArrayBuffer>);
      loaded += value.byteLength;
      // A compressed body can run past Content-Length: never report more than all.
      onProgress?.({ loaded: total === null ? loaded : Math.min(loaded, total), total });
    }
  } catch (e) {
    if (isAbort(e) || signal?.aborted) throw e instanceof Error ? e : new DOMException('Aborted', 'AbortError');
    throw new ApiError('network', 'The download was interrupted. Try again.', 0);
  }
  onProgress?.({ loaded, total: total === null ? loaded : Math.max(total, loaded) });
  return new Blob(chunks, { type });
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** decodeError turns a failed export into an ApiError (client.ts decodes every API error). */
function decodeError(res: Response): Promise<ApiError> {
  const msg =
    res.status === 401
      ? 'You are not signed in.'
      : res.status >= 500
        ? `The server had a problem making the PDF (HTTP ${res.status}). Try again in a moment.`
        : `The PDF could not be made (HTTP ${res.status}).`;
  return errorFrom(res, msg);
}

/** Characters spelled out before a file name is cut to ASCII. */
const FOLD: Record<string, string> = { ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', þ: 'th', Þ: 'Th' };

/**
 * pdfFileName makes a safe file name from a brief's title (ASCII letters,
 * digits and hyphens, at most 60 characters before the version), e.g.
 * ("Labour-market integration: what works?", "v3") → "labour-market-integration-what-works-v3.pdf".
 */
export function pdfFileName(title: string, versionId?: string): string {
  const folded = title
    .replace(/[øØłŁßæÆœŒđĐþÞ]/g, (c) => FOLD[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
  let base = folded
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base.length > 60) base = base.slice(0, 60).replace(/-+$/, '');
  if (base === '') base = 'brief';
  const v = (versionId ?? '').replace(/[^A-Za-z0-9]+/g, '');
  return `${base}${v && v !== 'current' ? `-${v}` : ''}.pdf`;
}

// ---- Helpers of the History view -------------------------------------------

/** kindLabel names how a version came to be. */
export function kindLabel(kind: string): string {
  switch (kind) {
    case 'manual':
      return 'Manual';
    case 'submit':
      return 'Submitted';
    case 'approve':
      return 'Approved';
    case 'request_changes':
      return 'Changes requested';
    default:
      return kind;
  }
}

const WORD = /[\p{L}\p{N}]+(?:['’\-.][\p{L}\p{N}]+)*/gu;

/** countWords counts words as the summary line does. */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/**
 * movedKeys returns the sections whose place among the sections both sides
 * share changed: those outside the longest run kept in order. (A section that
 * only shifted because another was added or removed before it has not moved.)
 */
export function movedKeys(sections: DiffSection[]): Set<string> {
  const common: { key: string; old: number }[] = [];
  let i = 0;
  for (const s of sections) {
    if (s.status === 'removed') continue;
    if (s.status !== 'added') common.push({ key: s.key, old: s.oldIndex ?? i });
    i++;
  }
  // Longest increasing subsequence of the old positions, in the new order.
  const n = common.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  let best = -1;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < a; b++) {
      if (common[b]!.old < common[a]!.old && len[b]! + 1 > len[a]!) {
        len[a] = len[b]! + 1;
        prev[a] = b;
      }
    }
    if (best < 0 || len[a]! > len[best]!) best = a;
  }
  const kept = new Set<number>();
  for (let k = best; k >= 0; k = prev[k]!) kept.add(k);
  const out = new Set<string>();
  common.forEach((c, k) => {
    if (!kept.has(k)) out.add(c.key);
  });
  return out;
}

/** A section differs at all: text, title, presence or place. */
export function sectionChanged(s: DiffSection, moved: Set<string>): boolean {
  return s.status !== 'same' || (s.oldTitle !== undefined && s.oldTitle !== s.title) || moved.has(s.key);
}

/** What the summary line says. */
export interface DiffSummary {
  /** Sections that differ in any way. */
  changed: number;
  inserted: number;
  deleted: number;
}

/** summarize counts the changed sections and the words inserted and deleted. */
export function summarize(sections: DiffSection[], moved: Set<string> = movedKeys(sections)): DiffSummary {
  let changed = 0;
  let inserted = 0;
  let deleted = 0;
  for (const s of sections) {
    if (sectionChanged(s, moved)) changed++;
    for (const op of s.ops) {
      if (op.op === 'insert') inserted += countWords(op.text);
      else if (op.op === 'delete') deleted += countWords(op.text);
    }
  }
  return { changed, inserted, deleted };
}

/** summaryText is the summary line: "3 sections changed: +120 words, −40 words". */
export function summaryText(s: DiffSummary): string {
  if (s.changed === 0 && s.inserted === 0 && s.deleted === 0) return 'No changes';
  const secs = `${s.changed} section${s.changed === 1 ? '' : 's'} changed`;
  const words = (n: number): string => `${n.toLocaleString('en')} word${n === 1 ? '' : 's'}`;
  const parts = [s.inserted > 0 ? `+${words(s.inserted)}` : '', s.deleted > 0 ? `−${words(s.deleted)}` : ''].filter(Boolean);
  return parts.length > 0 ? `${secs}: ${parts.join(', ')}` : secs;
}

/** A piece of an equal run as shown: text, or a fold hiding whole lines. */
export type EqualPart = { kind: 'text'; text: string } | { kind: 'fold'; text: string; lines: number };

/**
 * foldEqual splits an unchanged run into what is shown and what is folded:
 * a run of more than 2·keep+2 lines keeps its first and last `keep` lines
 * and folds the lines between. Nothing is lost: the parts join back to the
 * run.
 */
export function foldEqual(text: string, keep = 2): EqualPart[] {
  keep = Math.max(1, Math.floor(keep));
  const lines = text.split('\n');
  const hidden = lines.length - 2 * keep;
  // Folding fewer than 3 lines saves nothing.
  if (hidden < 3) return [{ kind: 'text', text }];
  const head = lines.slice(0, keep).join('\n') + '\n';
  const fold = lines.slice(keep, keep + hidden).join('\n') + '\n';
  const tail = lines.slice(keep + hidden).join('\n');
  return [
    { kind: 'text', text: head },
    { kind: 'fold', text: fold, lines: hidden },
    { kind: 'text', text: tail },
  ];
}

/** isRef says whether s is something the diff route takes. */
export function isRef(s: string): boolean {
  return /^(v[1-9][0-9]*|0|[1-9][0-9]*|current|lastReviewed|submitted)$/.test(s);
}

/** refName names a side of a comparison for people: "v3 “Label”", "revision 12", "the current text". */
export function refName(ref: string, versions: Version[] = []): string {
  if (ref === 'current') return 'the current text';
  if (ref === 'lastReviewed') return 'your last review';
  if (ref === 'submitted') return 'the last submission';
  if (ref === '0') return 'the brief as created';
  if (/^v\d+$/.test(ref)) {
    const v = versions.find((x) => x.id === ref);
    return v ? `${v.id} “${v.label}”` : ref;
  }
  return `revision ${ref}`;
}

/** previousOf is what a version or revision is compared with by "Compare with previous". */
export function previousOf(ref: string, versions: Version[]): string {
  if (/^v\d+$/.test(ref)) {
    // Newest first: the previous one is the next in the list.
    const i = versions.findIndex((v) => v.id === ref);
    const older = i >= 0 ? versions[i + 1] : undefined;
    return older ? older.id : '0';
  }
  const n = Number(ref);
  return Number.isInteger(n) && n > 0 ? String(n - 1) : '0';
}
