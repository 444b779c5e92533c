// Review marks in the section editor: comment highlights and suggested
// changes (struck-through deletions, inserted text as a widget), kept on
// their words through every edit, and a click on one reports its id.

import { ChangeSet, RangeSetBuilder, StateEffect, StateField, type Extension, type Text } from '@codemirror/state';
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view';
import { cpToUtf16, minimalChanges } from '$lib/sync/delta';

/** One review item in editor offsets (UTF-16). */
export interface Mark {
  kind: 'comment' | 'suggestion';
  id: number;
  from: number;
  to: number;
  /** A suggestion's new text. */
  replacement?: string;
  /** "Sam Supervisor · 3 Dec, 10:32", shown as a tooltip. */
  label: string;
  /** Unsent (being saved) or failed. */
  pending?: boolean;
}

/** An item to place: its range in code points of `base` (the text the server gave it on). */
export interface Anchor {
  kind: 'comment' | 'suggestion';
  id: number;
  start: number;
  end: number;
  replacement?: string;
  label: string;
  pending?: boolean;
}

interface MarksState {
  marks: Mark[];
  active: string;
  deco: DecorationSet;
}

/** setMarks replaces the marks: `marks` are placed anew, the ids in `keep` stay where they are. */
export const setMarks = StateEffect.define<{ marks: Mark[]; keep: Set<string> }>();
/** setActive highlights one item ("comment:12"), or none (""). */
export const setActive = StateEffect.define<string>();

/** markKey names a mark as "kind:id". */
export const markKey = (m: { kind: string; id: number }): string => `${m.kind}:${m.id}`;

class InsertWidget extends WidgetType {
  constructor(
    readonly text: string,
    readonly cls: string,
    readonly title: string,
    readonly key: string,
  ) {
    super();
  }
  override eq(o: InsertWidget): boolean {
    return o.text === this.text && o.cls === this.cls && o.title === this.title && o.key === this.key;
  }
  toDOM(): HTMLElement {
    const el = document.createElement('ins');
    el.className = this.cls;
    // Text, never markup: review text is author-controlled.
    el.textContent = this.text;
    el.title = this.title;
    el.dataset['review'] = this.key;
    return el;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

class PointWidget extends WidgetType {
  constructor(
    readonly title: string,
    readonly key: string,
    readonly active: boolean,
  ) {
    super();
  }
  override eq(o: PointWidget): boolean {
    return o.title === this.title && o.key === this.key && o.active === this.active;
  }
  toDOM(): HTMLElement {
    const el = document.createElement('span');
    el.className = `cm-review-point${this.active ? ' cm-review-active' : ''}`;
    el.title = this.title;
    el.dataset['review'] = this.key;
    el.setAttribute('aria-hidden', 'true');
    return el;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

function build(marks: Mark[], active: string): DecorationSet {
  const ranges: { from: number; to: number; d: Decoration }[] = [];
  for (const m of marks) {
    const key = markKey(m);
    const on = key === active ? ' cm-review-active' : '';
    const pend = m.pending ? ' cm-review-pending' : '';
    if (m.kind === 'comment') {
      if (m.to > m.from) {
        ranges.push({ from: m.from, to: m.to, d: Decoration.mark({ class: `cm-comment${on}`, attributes: { title: m.label, 'data-review': key } }) });
      } else {
        ranges.push({ from: m.from, to: m.from, d: Decoration.widget({ widget: new PointWidget(m.label, key, key === active), side: -1 }) });
      }
      continue;
    }
    if (m.to > m.from) {
      ranges.push({ from: m.from, to: m.to, d: Decoration.mark({ class: `cm-sugg-del${on}${pend}`, attributes: { title: m.label, 'data-review': key } }) });
    }
    if (m.replacement) {
      ranges.push({ from: m.to, to: m.to, d: Decoration.widget({ widget: new InsertWidget(m.replacement, `cm-sugg-ins${on}${pend}`, m.label, key), side: 1 }) });
    }
  }
  // RangeSetBuilder wants ranges by from, then by startSide (widgets with side -1 first).
  ranges.sort((a, b) => a.from - b.from || a.d.startSide - b.d.startSide);
  const b = new RangeSetBuilder<Decoration>();
  for (const r of ranges) b.add(r.from, r.to, r.d);
  return b.finish();
}

const marksField = StateField.define<MarksState>({
  create: () => ({ marks: [], active: '', deco: Decoration.none }),
  update(st, tr) {
    let { marks, active } = st;
    let changed = false;
    if (tr.docChanged) {
      // Start sticks right, end sticks left: text typed at an edge stays outside.
      marks = marks.map((m) => {
        const from = tr.changes.mapPos(m.from, 1);
        const to = Math.max(from, tr.changes.mapPos(m.to, -1));
        return { ...m, from, to };
      });
      changed = true;
    }
    for (const e of tr.effects) {
      if (e.is(setMarks)) {
        const kept = marks.filter((m) => e.value.keep.has(markKey(m)));
        const len = tr.state.doc.length;
        marks = [...kept, ...e.value.marks.map((m) => ({ ...m, from: clamp(m.from, len), to: clamp(Math.max(m.from, m.to), len) }))];
        changed = true;
      } else if (e.is(setActive)) {
        active = e.value;
        changed = true;
      }
    }
    if (!changed) return st;
    return { marks, active, deco: build(marks, active) };
  },
  provide: (f) => EditorView.decorations.from(f, (s) => s.deco),
});

function clamp(n: number, len: number): number {
  return Math.max(0, Math.min(n, len));
}

const reviewTheme = EditorView.baseTheme({
  '.cm-comment': { backgroundColor: 'var(--bs-comment, #fff1b8)', borderBottom: '2px solid var(--bs-comment-line, #e8c547)', cursor: 'pointer' },
  '.cm-comment.cm-review-active': { backgroundColor: 'var(--bs-comment-active, #ffe27a)' },
  '.cm-review-point': {
    display: 'inline-block',
    width: '0',
    height: '1em',
    borderLeft: '3px solid var(--bs-comment-line, #e8c547)',
    margin: '0 1px',
    verticalAlign: 'text-bottom',
    cursor: 'pointer',
  },
  '.cm-sugg-del': { color: 'var(--bs-del-ink, #a4262c)', textDecoration: 'line-through', backgroundColor: 'var(--bs-del-bg, #fde7e9)', cursor: 'pointer' },
  '.cm-sugg-ins': {
    color: 'var(--bs-ins-ink, #11603a)',
    textDecoration: 'underline',
    backgroundColor: 'var(--bs-ins-bg, #e3f5ea)',
    cursor: 'pointer',
  },
  '.cm-review-active.cm-sugg-del, .cm-review-active.cm-sugg-ins': { outline: '2px solid var(--bs-focus-soft, #9db7f0)' },
  '.cm-review-pending': { opacity: '0.7' },
  '.cm-track-ins': { color: 'var(--bs-ins-ink, #11603a)', textDecoration: 'underline', backgroundColor: 'var(--bs-ins-bg, #e3f5ea)' },
  '.cm-track-del': { color: 'var(--bs-del-ink, #a4262c)', textDecoration: 'line-through', backgroundColor: 'var(--bs-del-bg, #fde7e9)' },
});

/** reviewMarks is the editor extension; `pick` hears a click on a mark ("comment:12"). */
export function reviewMarks(pick: (key: string) => void): Extension {
  return [
    marksField,
    reviewTheme,
    EditorView.domEventHandlers({
      mousedown(e) {
        const el = (e.target as HTMLElement | null)?.closest?.('[data-review]');
        const key = el?.getAttribute('data-review');
        if (key) pick(key);
        return false;
      },
    }),
  ];
}

/** marksOf reads the marks where they are now (tests, and the panel's "go to"). */
export function marksOf(view: { state: { field: (f: typeof marksField, req: false) => MarksState | undefined } }): Mark[] {
  return view.state.field(marksField, false)?.marks ?? [];
}

/** marksState is the field, for callers holding an EditorState. */
export { marksField };

/**
 * placeAnchors turns anchors taken on `base` into marks on `doc` (which is
 * `base` plus the user's unsent typing): a diff maps each end, with the start
 * sticking right and the end sticking left.
 */
export function placeAnchors(anchors: Anchor[], base: string, doc: Text | string): Mark[] {
  if (anchors.length === 0) return [];
  const d = typeof doc === 'string' ? doc : doc.toString();
  const cs = d === base ? null : ChangeSet.of(minimalChanges(base, d), base.length);
  return anchors.map((a) => {
    const f = cpToUtf16(base, a.start);
    const t = cpToUtf16(base, Math.max(a.start, a.end));
    const from = cs ? cs.mapPos(f, 1) : f;
    const to = cs ? Math.max(from, cs.mapPos(t, -1)) : t;
    const m: Mark = { kind: a.kind, id: a.id, from, to, label: a.label };
    if (a.replacement !== undefined) m.replacement = a.replacement;
    if (a.pending) m.pending = true;
    return m;
  });
}

/**
 * rangeOnBase maps a selection of `doc` back onto `base` (the server's text):
 * code points, with the quote read from base. Text the server has not got
 * yet cannot be quoted, so a selection inside it shrinks to a point.
 */
export function rangeOnBase(doc: string, base: string, from: number, to: number): { start: number; end: number; quote: string } {
  let f = from;
  let t = to;
  if (doc !== base) {
    const cs = ChangeSet.of(minimalChanges(doc, base), doc.length);
    f = cs.mapPos(from, 1);
    t = Math.max(f, cs.mapPos(to, -1));
  }
  const quote = base.slice(f, t);
  const start = [...base.slice(0, f)].length;
  return { start, end: start + [...quote].length, quote };
}
