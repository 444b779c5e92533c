// Deltas of the live-sync protocol (docs/PROTOCOL.md, "Units and versions"):
// diff-match-patch's delta format with lengths in Unicode code points.
// @dmsnell/diff-match-patch diffs UTF-16 units; everything here converts at
// the edge and never cuts a surrogate pair.

import { diff_match_patch, DIFF_DELETE, DIFF_EQUAL, DIFF_INSERT, type Diff } from '@dmsnell/diff-match-patch';

const dmp = new diff_match_patch();
// A diff of two 60 KB texts must never take long on the main thread; a
// coarser diff is still a correct delta.
dmp.Diff_Timeout = 0.25;

/** DeltaError is a delta that is malformed or does not cover its source text. */
export class DeltaError extends Error {
  override readonly name = 'DeltaError';
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** cpLength is the length of s in code points ("a😀b" has length 3). */
export function cpLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    if (isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}

/** utf16ToCp converts a UTF-16 offset into s to a code-point offset. */
export function utf16ToCp(s: string, index: number): number {
  const end = Math.max(0, Math.min(index, s.length));
  let n = 0;
  for (let i = 0; i < end; i++) {
    n++;
    if (isHigh(s.charCodeAt(i)) && i + 1 < end && isLow(s.charCodeAt(i + 1))) i++;
  }
  return n;
}

/** cpToUtf16 converts a code-point offset into s to a UTF-16 offset (clamped to the text). */
export function cpToUtf16(s: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    i += isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

/** encodeInsert writes inserted text as the protocol does: encodeURI, then %20 back to a space. */
export function encodeInsert(text: string): string {
  return encodeURI(text).replace(/%20/g, ' ');
}

/** decodeInsert reads an insert token (decodeURIComponent: %23 and the like decode too). */
export function decodeInsert(text: string): string {
  return decodeURIComponent(text);
}

/** A run of a diff: equal text, or a replacement (either side may be empty). */
export type Block = { eq: string } | { del: string; ins: string };

/**
 * codePointBlocks turns a UTF-16 diff into alternating equal and change
 * blocks whose boundaries never fall inside a surrogate pair.
 */
export function codePointBlocks(diffs: Diff[]): Block[] {
  const blocks: Block[] = [];
  for (const d of diffs) {
    const op = d[0];
    const s = d[1];
    if (!s) continue;
    const last = blocks[blocks.length - 1];
    if (op === DIFF_EQUAL) {
      if (last && 'eq' in last) last.eq += s;
      else blocks.push({ eq: s });
    } else {
      let b = last;
      if (!b || 'eq' in b) {
        b = { del: '', ins: '' };
        blocks.push(b);
      }
      if (op === DIFF_DELETE) b.del += s;
      else if (op === DIFF_INSERT) b.ins += s;
    }
  }
  // A low surrogate starting an equality, or a high one ending it, moves
  // into the neighbouring change block, on both of its sides.
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b || !('eq' in b)) continue;
    const prev = blocks[i - 1];
    if (prev && !('eq' in prev) && b.eq.length > 0 && isLow(b.eq.charCodeAt(0))) {
      prev.del += b.eq[0];
      prev.ins += b.eq[0];
      b.eq = b.eq.slice(1);
    }
    const next = blocks[i + 1];
    if (next && !('eq' in next) && b.eq.length > 0 && isHigh(b.eq.charCodeAt(b.eq.length - 1))) {
      const u = b.eq[b.eq.length - 1] ?? '';
      next.del = u + next.del;
      next.ins = u + next.ins;
      b.eq = b.eq.slice(0, -1);
    }
    if (b.eq.length === 0) {
      const p = blocks[i - 1];
      const nx = blocks[i + 1];
      if (p && nx && !('eq' in p) && !('eq' in nx)) {
        p.del += nx.del;
        p.ins += nx.ins;
        blocks.splice(i, 2);
      } else {
        blocks.splice(i, 1);
      }
      i -= 1;
    }
  }
  return blocks;
}

/** diffBlocks diffs two texts into surrogate-safe blocks (common prefix and suffix found first, so small edits of long texts are cheap). */
export function diffBlocks(from: string, to: string): Block[] {
  return codePointBlocks(dmp.diff_main(from, to, false));
}

/** makeDelta is the delta from `from` to `to`, lengths in code points. */
export function makeDelta(from: string, to: string): string {
  if (from === to) return from === '' ? '' : `=${cpLength(from)}`;
  const tokens: string[] = [];
  for (const b of diffBlocks(from, to)) {
    if ('eq' in b) {
      tokens.push(`=${cpLength(b.eq)}`);
      continue;
    }
    if (b.del) tokens.push(`-${cpLength(b.del)}`);
    if (b.ins) tokens.push(`+${encodeInsert(b.ins)}`);
  }
  return tokens.join('\t');
}

/** applyDelta applies a code-point delta to src; it throws DeltaError when the delta does not fit. */
export function applyDelta(src: string, delta: string): string {
  if (delta === '') {
    if (src !== '') throw new DeltaError(`empty delta over a text of ${cpLength(src)} code points`);
    return '';
  }
  let pos = 0; // UTF-16 index into src
  let out = '';
  for (const tok of delta.split('\t')) {
    const op = tok.charAt(0);
    const arg = tok.slice(1);
    if (op === '+') {
      try {
        out += decodeInsert(arg);
      } catch {
        throw new DeltaError(`bad escape in insert token ${JSON.stringify(tok)}`);
      }
    } else if (op === '=' || op === '-') {
      if (!/^\d+$/.test(arg)) throw new DeltaError(`bad number in token ${JSON.stringify(tok)}`);
      const n = Number(arg);
      let end = pos;
      for (let k = 0; k < n; k++) {
        if (end >= src.length) throw new DeltaError(`delta runs past the end of its source (${cpLength(src)} code points)`);
        end += isHigh(src.charCodeAt(end)) && end + 1 < src.length && isLow(src.charCodeAt(end + 1)) ? 2 : 1;
      }
      if (op === '=') out += src.slice(pos, end);
      pos = end;
    } else if (tok !== '') {
      throw new DeltaError(`unknown token ${JSON.stringify(tok)}`);
    }
  }
  if (pos !== src.length) {
    throw new DeltaError(`delta covers ${utf16ToCp(src, pos)} code points, its source has ${cpLength(src)}`);
  }
  return out;
}

/**
 * merge3 carries the change a → b onto c (a descendant of a) by position and
 * never drops an insertion: what b deletes from a goes from c where c still
 * has it, c's own insertions stay, and b's insertions go before the first
 * surviving unit of a at or after their position (after what c inserted
 * there). This is PROTOCOL.md's "Carrying a change onto text".
 */
export function merge3(a: string, b: string, c: string): string {
  if (c === a) return b;
  if (a === b) return c;
  const deleted = new Uint8Array(a.length + 1);
  const inserts = new Map<number, string>();
  let ia = 0;
  for (const blk of diffBlocks(a, b)) {
    if ('eq' in blk) {
      ia += blk.eq.length;
      continue;
    }
    if (blk.ins) inserts.set(ia, (inserts.get(ia) ?? '') + blk.ins);
    deleted.fill(1, ia, ia + blk.del.length);
    ia += blk.del.length;
  }
  const anchors = [...inserts.keys()].sort((x, y) => x - y);
  let next = 0;
  const parts: string[] = [];
  const emitUpTo = (i: number): void => {
    while (next < anchors.length && (anchors[next] ?? Infinity) <= i) parts.push(inserts.get(anchors[next++] as number) ?? '');
  };
  ia = 0;
  for (const blk of diffBlocks(a, c)) {
    if (!('eq' in blk)) {
      ia += blk.del.length;
      parts.push(blk.ins);
      continue;
    }
    // Units common to a and c: copy runs, stopping at anchors and at
    // changes of "deleted by b".
    const start = ia;
    const end = ia + blk.eq.length;
    let i = start;
    while (i < end) {
      emitUpTo(i);
      const del = deleted[i];
      const nextAnchor = next < anchors.length ? (anchors[next] as number) : Infinity;
      let j = i + 1;
      while (j < end && deleted[j] === del && j < nextAnchor) j++;
      if (!del) parts.push(blk.eq.slice(i - start, j - start));
      i = j;
    }
    ia = end;
  }
  emitUpTo(Infinity);
  return parts.join('');
}

/** A change to a text in UTF-16 offsets, as CodeMirror takes it. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** minimalChanges lists the replacements that turn `from` into `to` (UTF-16 offsets into `from`, surrogate pairs kept whole). */
export function minimalChanges(from: string, to: string): TextChange[] {
  if (from === to) return [];
  const changes: TextChange[] = [];
  let pos = 0;
  for (const b of diffBlocks(from, to)) {
    if ('eq' in b) {
      pos += b.eq.length;
      continue;
    }
    changes.push({ from: pos, to: pos + b.del.length, insert: b.ins });
    pos += b.del.length;
  }
  return changes;
}

/** spliceCodePoints replaces `del` code points at code-point offset `pos` with `ins`. */
export function spliceCodePoints(text: string, pos: number, del: number, ins: string): string {
  const p = cpToUtf16(text, pos);
  const e = cpToUtf16(text.slice(p), del) + p;
  return text.slice(0, p) + ins + text.slice(e);
}
