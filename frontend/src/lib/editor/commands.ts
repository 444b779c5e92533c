// Markdown formatting commands of the section editor.

import { EditorSelection, type ChangeSpec, type EditorState, type Line } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';

/** toggleWrap wraps each selection in `mark` (or unwraps it when it is already wrapped). */
export function toggleWrap(mark: string) {
  return (view: EditorView): boolean => {
    const { state } = view;
    if (state.readOnly) return false;
    const n = mark.length;
    const tr = state.changeByRange((range) => {
      const before = state.sliceDoc(range.from - n, range.from);
      const after = state.sliceDoc(range.to, range.to + n);
      if (before === mark && after === mark) {
        return {
          changes: [
            { from: range.from - n, to: range.from },
            { from: range.to, to: range.to + n },
          ],
          range: EditorSelection.range(range.from - n, range.to - n),
        };
      }
      const inner = state.sliceDoc(range.from, range.to);
      if (inner.length >= 2 * n && inner.startsWith(mark) && inner.endsWith(mark)) {
        return {
          changes: { from: range.from, to: range.to, insert: inner.slice(n, inner.length - n) },
          range: EditorSelection.range(range.from, range.to - 2 * n),
        };
      }
      return {
        changes: [
          { from: range.from, insert: mark },
          { from: range.to, insert: mark },
        ],
        range: EditorSelection.range(range.from + n, range.to + n),
      };
    });
    view.dispatch(state.update(tr, { scrollIntoView: true, userEvent: 'input.format' }));
    return true;
  };
}

function selectedLines(state: EditorState): Line[] {
  const seen = new Set<number>();
  const lines: Line[] = [];
  for (const r of state.selection.ranges) {
    for (let pos = r.from; pos <= r.to; ) {
      const line = state.doc.lineAt(pos);
      if (!seen.has(line.number)) {
        seen.add(line.number);
        lines.push(line);
      }
      pos = line.to + 1;
    }
  }
  return lines;
}

/** togglePrefix puts `prefix` in front of every selected line, or takes it away when all have it. */
export function togglePrefix(prefix: string | ((i: number) => string), match: RegExp) {
  return (view: EditorView): boolean => {
    const { state } = view;
    if (state.readOnly) return false;
    const lines = selectedLines(state);
    const all = lines.every((l) => match.test(l.text));
    const changes: ChangeSpec[] = [];
    lines.forEach((l, i) => {
      const m = l.text.match(match);
      if (all && m) {
        changes.push({ from: l.from, to: l.from + m[0].length });
      } else {
        // Replace another block marker (a heading, another list) rather than stacking them.
        const other = l.text.match(/^(#{1,6} |[-*+] |\d+[.)] )/);
        const p = typeof prefix === 'string' ? prefix : prefix(i);
        changes.push({ from: l.from, to: l.from + (other ? other[0].length : 0), insert: p });
      }
    });
    view.dispatch({ changes, scrollIntoView: true, userEvent: 'input.format' });
    return true;
  };
}

export const bold = toggleWrap('**');
export const italic = toggleWrap('_');
export const bulletList = togglePrefix('- ', /^[-*+] /);
export const numberedList = togglePrefix((i) => `${i + 1}. `, /^\d+[.)] /);
export const heading = togglePrefix('### ', /^#{1,6} /);

/** Shortcuts, shown in the toolbar's labels. */
export const shortcuts = {
  bold: 'Mod-b',
  italic: 'Mod-i',
  bulletList: 'Mod-Shift-8',
  numberedList: 'Mod-Shift-7',
  heading: 'Mod-Alt-3',
} as const;

/** keyName shows a CodeMirror key for people ("Ctrl+B", "⌘B"). */
export function keyName(key: string, mac = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '')): string {
  return key
    .split('-')
    .map((p) => (p === 'Mod' ? (mac ? '⌘' : 'Ctrl') : p === 'Alt' ? (mac ? '⌥' : 'Alt') : p.length === 1 ? p.toUpperCase() : p))
    .join('+');
}
