import { EditorSelection, EditorState, type TransactionSpec } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { describe, expect, test } from 'vitest';
import { placeAnchors, rangeOnBase } from './review';
import { dropTracked, hunks, rebaseTracked, setTracking, suggestMode, tracking } from './suggest';

/** A stand-in for EditorView with what the tracker uses (state and dispatch), without a DOM. */
function fakeView(doc: string): { view: EditorView; get: () => EditorState; type: (from: number, to: number, insert: string, userEvent?: string) => void } {
  let state = EditorState.create({ doc, extensions: [suggestMode()] });
  state = state.update({ effects: setTracking.of(true) }).state;
  const view = {
    get state() {
      return state;
    },
    dispatch(spec: TransactionSpec) {
      state = state.update(spec).state;
    },
  } as unknown as EditorView;
  return {
    view,
    get: () => state,
    type(from, to, insert, userEvent = 'input.type') {
      state = state.update({ changes: { from, to, insert }, selection: EditorSelection.cursor(from + insert.length), userEvent }).state;
    },
  };
}

describe('suggest mode', () => {
  test('typing is kept as an insertion and the base text is untouched', () => {
    const v = fakeView('Cities test housing first.');
    expect(tracking(v.get())).toBe(true);
    v.type(7, 7, 'often ');
    expect(v.get().doc.toString()).toBe('Cities often test housing first.');
    expect(hunks(v.get())).toEqual([{ from: 7, to: 7, quote: '', replacement: 'often ', docFrom: 7, docTo: 13 }]);
  });

  test('deleting server text marks it instead of removing it', () => {
    const v = fakeView('Cities test housing first.');
    v.type(12, 20, '', 'delete.backward');
    expect(v.get().doc.toString()).toBe('Cities test housing first.');
    expect(v.get().selection.main.head).toBe(12);
    expect(hunks(v.get())).toEqual([{ from: 12, to: 20, quote: 'housing ', replacement: '', docFrom: 12, docTo: 20 }]);
  });

  test('a replacement is one hunk, and deleting own typing really deletes it', () => {
    const v = fakeView('Cities test housing first.');
    v.type(12, 19, 'shelter'); // select "housing", type over it
    expect(v.get().doc.toString()).toBe('Cities test housingshelter first.');
    expect(hunks(v.get())).toEqual([{ from: 12, to: 19, quote: 'housing', replacement: 'shelter', docFrom: 12, docTo: 26 }]);
    v.type(25, 26, '', 'delete.backward'); // backspace over the "r" just typed
    expect(v.get().doc.toString()).toBe('Cities test housingshelte first.');
    expect(hunks(v.get())[0]?.replacement).toBe('shelte');
  });

  test('two separate changes give two hunks with base offsets', () => {
    const v = fakeView('one two three four');
    v.type(4, 4, 'and ');
    // "three" is now at 12..17 in the editor (base 8..13)
    v.type(12, 17, '', 'delete.forward');
    const h = hunks(v.get());
    expect(h.map((x) => [x.from, x.to, x.quote, x.replacement])).toEqual([
      [4, 4, '', 'and '],
      [8, 13, 'three', ''],
    ]);
  });

  test('dropTracked goes back to the base text', () => {
    const v = fakeView('Cities test housing first.');
    v.type(12, 19, 'shelter');
    dropTracked(v.view);
    expect(v.get().doc.toString()).toBe('Cities test housing first.');
    expect(hunks(v.get())).toEqual([]);
  });

  test('a server change is rebased around the tracked insertion', () => {
    const v = fakeView('Cities test housing first.');
    v.type(12, 12, 'social '); // Cities test social housing first.
    rebaseTracked(v.view, 'Cities test housing first.', 'Many cities test housing first today.');
    expect(v.get().doc.toString()).toBe('Many cities test social housing first today.');
    expect(hunks(v.get())).toEqual([{ from: 17, to: 17, quote: '', replacement: 'social ', docFrom: 17, docTo: 24 }]);
  });

  test('with emoji before, base offsets stay UTF-16 (converted at the edge)', () => {
    const v = fakeView('😀 a b');
    v.type(5, 5, 'x');
    expect(hunks(v.get())).toEqual([{ from: 5, to: 5, quote: '', replacement: 'x', docFrom: 5, docTo: 6 }]);
  });

  test('remote transactions pass through unfiltered', () => {
    const v = fakeView('abc');
    rebaseTracked(v.view, 'abc', 'abXc');
    expect(v.get().doc.toString()).toBe('abXc');
    expect(hunks(v.get())).toEqual([]);
  });
});

describe('anchors', () => {
  test.each([
    // base, doc, start, end (cp), want text under the mark
    ['Cities test housing first.', 'Cities test housing first.', 12, 19, 'housing'],
    ['Cities test housing first.', 'Many cities test housing first.', 12, 19, 'housing'],
    ['😀 housing', '😀😀 housing', 2, 9, 'housing'],
    ['a housing b', 'a housing b', 2, 2, ''],
  ])('placeAnchors(%s → %s)', (base, doc, start, end, want) => {
    const [m] = placeAnchors([{ kind: 'comment', id: 1, start, end, label: '' }], base, doc);
    expect(m).toBeDefined();
    expect(doc.slice(m!.from, m!.to)).toBe(want);
  });

  test('edges stick inward: text typed at either edge stays outside', () => {
    const [m] = placeAnchors([{ kind: 'comment', id: 1, start: 2, end: 9, label: '' }], 'a housing b', 'a Xhousing Y b');
    expect('a Xhousing Y b'.slice(m!.from, m!.to)).toBe('housing');
  });

  test('rangeOnBase maps a selection back to code points of the base', () => {
    expect(rangeOnBase('😀 new housing', '😀 housing', 7, 14)).toEqual({ start: 2, end: 9, quote: 'housing' });
    expect(rangeOnBase('same', 'same', 1, 3)).toEqual({ start: 1, end: 3, quote: 'am' });
  });
});
