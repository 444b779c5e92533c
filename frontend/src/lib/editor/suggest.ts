// Suggest mode ("track changes"): typing does not change the shared text.
// Inserted text is kept in the editor marked as an insertion, deleted text
// stays visible struck through, and each group of touching changes becomes
// one suggestion {start, end, quote, replacement} on the server's text.

import { ChangeSet, EditorSelection, EditorState, StateEffect, StateField, Transaction, type ChangeSpec, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import { minimalChanges } from '$lib/sync/delta';
import { remote } from './setup';

interface Span {
  from: number;
  to: number;
}

interface Track {
  on: boolean;
  /** Text the user typed (not in the server's text). */
  ins: DecorationSet;
  /** Server text the user deleted (still shown, struck through). */
  del: DecorationSet;
}

const insMark = Decoration.mark({ class: 'cm-track-ins', attributes: { title: 'Your suggested insertion (not yet sent)' } });
const delMark = Decoration.mark({ class: 'cm-track-del', attributes: { title: 'Your suggested deletion (not yet sent)' } });

/** setTracking turns suggest mode on or off (off drops nothing: flush first). */
export const setTracking = StateEffect.define<boolean>();
const addSpans = StateEffect.define<{ ins: Span[]; del: Span[] }>();
/** clearTracked forgets every tracked change (after they were sent, or the doc was reset). */
export const clearTracked = StateEffect.define<null>();

/** tracked marks transactions made by the tracker itself (not filtered again). */
const tracked = Transaction.userEvent;

const trackField = StateField.define<Track>({
  create: () => ({ on: false, ins: Decoration.none, del: Decoration.none }),
  update(t, tr) {
    let { on, ins, del } = t;
    if (tr.docChanged) {
      ins = ins.map(tr.changes);
      del = del.map(tr.changes);
    }
    for (const e of tr.effects) {
      if (e.is(setTracking)) on = e.value;
      else if (e.is(clearTracked)) {
        ins = Decoration.none;
        del = Decoration.none;
      } else if (e.is(addSpans)) {
        const ci = e.value.ins.filter((s) => s.to > s.from).map((s) => insMark.range(s.from, s.to));
        const cd = e.value.del
          .map((s) => ({ from: tr.changes.mapPos(s.from, 1), to: tr.changes.mapPos(s.to, -1) }))
          .filter((s) => s.to > s.from)
          .map((s) => delMark.range(s.from, s.to));
        if (ci.length) ins = ins.update({ add: ci, sort: true });
        if (cd.length) del = del.update({ add: cd, sort: true });
      }
    }
    return { on, ins, del };
  },
  provide: (f) => [EditorView.decorations.from(f, (t) => t.ins), EditorView.decorations.from(f, (t) => t.del)],
});

function spans(set: DecorationSet): Span[] {
  const out: Span[] = [];
  set.between(0, Number.MAX_SAFE_INTEGER, (from, to) => {
    const last = out[out.length - 1];
    if (last && from <= last.to) last.to = Math.max(last.to, to);
    else out.push({ from, to });
  });
  return out;
}

/** The filter: a user's change becomes tracked insertions and deletions. */
const trackFilter = EditorState.transactionFilter.of((tr) => {
  if (!tr.docChanged || tr.annotation(remote)) return tr;
  const t = tr.startState.field(trackField, false);
  if (!t || !t.on) return tr;
  const ins = spans(t.ins);
  const changes: ChangeSpec[] = [];
  const del: Span[] = [];
  const inserts: { at: number; len: number }[] = [];
  let cursor: { pos: number; assoc: -1 | 1 } | null = null;
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, text) => {
    let pos = fromA;
    for (const r of ins) {
      if (r.to <= pos || r.from >= toA) continue;
      if (r.from > pos) del.push({ from: pos, to: r.from });
      const a = Math.max(r.from, pos);
      const b = Math.min(r.to, toA);
      changes.push({ from: a, to: b });
      pos = b;
    }
    if (pos < toA) del.push({ from: pos, to: toA });
    const s = text.toString();
    if (s) {
      changes.push({ from: toA, insert: s });
      inserts.push({ at: toA, len: s.length });
      cursor = { pos: toA, assoc: 1 };
    } else {
      cursor = tr.isUserEvent('delete.forward') ? { pos: toA, assoc: 1 } : { pos: fromA, assoc: -1 };
    }
  });
  const cs = ChangeSet.of(changes, tr.startState.doc.length);
  const insSpans = inserts.map((i) => {
    const from = cs.mapPos(i.at, -1);
    return { from, to: from + i.len };
  });
  const c = cursor as { pos: number; assoc: -1 | 1 } | null;
  let anchor = c ? cs.mapPos(c.pos, c.assoc) : cs.mapPos(tr.startState.selection.main.head, 1);
  const lastIns = insSpans[insSpans.length - 1];
  if (lastIns && c && c.assoc === 1 && inserts.length > 0) anchor = lastIns.to;
  return {
    changes: cs,
    effects: addSpans.of({ ins: insSpans, del }),
    selection: EditorSelection.cursor(anchor),
    scrollIntoView: true,
    userEvent: tr.annotation(tracked) ?? 'input',
  };
});

/** suggestMode is the extension (inactive until setTracking(true)). */
export function suggestMode(): Extension {
  return [trackField, trackFilter];
}

/** tracking says whether suggest mode is on. */
export function tracking(state: EditorState): boolean {
  return state.field(trackField, false)?.on ?? false;
}

/** A tracked change group as a suggestion on the base text (UTF-16 offsets into base). */
export interface Hunk {
  /** Offsets into the base text (UTF-16). */
  from: number;
  to: number;
  quote: string;
  replacement: string;
  /** Where the group is in the editor's text. */
  docFrom: number;
  docTo: number;
}

/** hunks lists the tracked changes, each group of touching insertions and deletions as one. */
export function hunks(state: EditorState): Hunk[] {
  const t = state.field(trackField, false);
  if (!t) return [];
  const ins = spans(t.ins);
  const del = spans(t.del);
  const all = [...ins.map((s) => ({ ...s, ins: true })), ...del.map((s) => ({ ...s, ins: false }))].sort((a, b) => a.from - b.from);
  const out: Hunk[] = [];
  const doc = state.doc;
  let insBefore = 0;
  let i = 0;
  while (i < all.length) {
    const first = all[i];
    if (!first) break;
    let end = first.to;
    let j = i;
    let quote = '';
    let replacement = '';
    let insHere = 0;
    for (; j < all.length; j++) {
      const s = all[j];
      if (!s || s.from > end) break;
      end = Math.max(end, s.to);
    }
    // Inside a group every character is either inserted or deleted.
    const group = all.slice(i, j);
    const insIn = group.filter((s) => s.ins);
    let p = first.from;
    for (const s of insIn) {
      if (s.from > p) quote += doc.sliceString(p, s.from);
      replacement += doc.sliceString(s.from, s.to);
      insHere += s.to - s.from;
      p = Math.max(p, s.to);
    }
    if (p < end) quote += doc.sliceString(p, end);
    const from = first.from - insBefore;
    if (quote !== replacement) out.push({ from, to: from + quote.length, quote, replacement, docFrom: first.from, docTo: end });
    insBefore += insHere;
    i = j;
  }
  return out;
}

/** untrackChanges are the changes that take the editor's text back to the base (tracked insertions removed). */
function untrackChanges(state: EditorState): ChangeSpec[] {
  const t = state.field(trackField, false);
  if (!t) return [];
  return spans(t.ins).map((s) => ({ from: s.from, to: s.to }));
}

/** dropTracked takes the editor back to the base text, forgetting what was tracked (it was sent). */
export function dropTracked(view: EditorView): void {
  view.dispatch({
    changes: untrackChanges(view.state),
    effects: clearTracked.of(null),
    annotations: [remote.of(true), Transaction.addToHistory.of(false)],
  });
}

/**
 * rebaseTracked brings the server's change from `oldBase` to `newBase` into
 * an editor holding tracked changes on `oldBase`: the server's edits go
 * around the user's insertions, which stay where they were typed.
 */
export function rebaseTracked(view: EditorView, oldBase: string, newBase: string): void {
  if (oldBase === newBase) return;
  const ins = spans(view.state.field(trackField, false)?.ins ?? Decoration.none);
  // Base offset → editor offset: count the insertions strictly before it.
  const toDoc = (b: number): number => {
    let shift = 0;
    for (const s of ins) {
      const at = s.from - shift;
      if (at >= b) break;
      shift += s.to - s.from;
    }
    return b + shift;
  };
  const changes: ChangeSpec[] = [];
  for (const c of minimalChanges(oldBase, newBase)) {
    const from = toDoc(c.from);
    const to = toDoc(c.to);
    // Delete only server text: tracked insertions inside the range are kept.
    let p = from;
    for (const s of ins) {
      if (s.to <= p || s.from >= to) continue;
      if (s.from > p) changes.push({ from: p, to: s.from });
      p = s.to;
    }
    if (p < to) changes.push({ from: p, to });
    if (c.insert) changes.push({ from: to, insert: c.insert });
  }
  view.dispatch({ changes, annotations: [remote.of(true), Transaction.addToHistory.of(false), Transaction.remote.of(true)] });
}
