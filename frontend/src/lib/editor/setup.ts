// CodeMirror set-up of the section editor: Markdown, history, shortcuts,
// a calm prose theme, and remote changes that neither move the cursor nor
// enter the undo history.

import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Annotation, Compartment, EditorState, Prec, Transaction, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import { minimalChanges } from '$lib/sync/delta';
import { bold, bulletList, heading, italic, numberedList, shortcuts } from './commands';

/** remote marks transactions that bring other people's changes. */
export const remote = Annotation.define<boolean>();

const prose = HighlightStyle.define([
  { tag: t.heading1, fontWeight: '700', fontSize: '1.3em' },
  { tag: t.heading2, fontWeight: '700', fontSize: '1.18em' },
  { tag: [t.heading3, t.heading4, t.heading5, t.heading6], fontWeight: '700', fontSize: '1.06em' },
  { tag: t.strong, fontWeight: '700' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strikethrough, textDecoration: 'line-through' },
  { tag: t.link, color: 'var(--bs-primary)' },
  { tag: t.url, color: 'var(--bs-ink-3)' },
  { tag: t.quote, color: 'var(--bs-ink-2)', fontStyle: 'italic' },
  { tag: t.monospace, fontFamily: 'var(--bs-mono)', fontSize: '0.92em' },
  { tag: [t.processingInstruction, t.contentSeparator, t.meta], color: 'var(--bs-ink-3)' },
]);

const theme = EditorView.theme({
  '&': { fontSize: '1.0625rem', color: 'var(--bs-ink)', backgroundColor: 'transparent', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--bs-serif)', lineHeight: '1.7', overflow: 'auto' },
  // A readable measure, aligned with the section title above it.
  '.cm-content': { padding: '20px 0 40vh', maxWidth: '46rem', caretColor: 'var(--bs-primary)' },
  '.cm-line': { padding: '0 32px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-placeholder': { color: 'var(--bs-ink-3)', fontStyle: 'italic' },
  '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--bs-primary-soft-2) !important',
  },
  '.cm-cursor': { borderLeftColor: 'var(--bs-primary)', borderLeftWidth: '2px' },
});

/** Options of a section's editor state. */
export interface EditorOptions {
  label: string;
  readonly: boolean;
  /** Local change (typing, a command, undo): `n` transactions. */
  onLocal: (n: number) => void;
  onSelection: () => void;
  /** More extensions (review marks, suggest mode). */
  extra?: Extension[];
}

/** readonlyCompartment switches the editor between writing and reading. */
export const readonlyCompartment = new Compartment();
const labelCompartment = new Compartment();

/** readonlyExt is the read-only (or writable) configuration. */
export function readonlyExt(ro: boolean): Extension {
  return [EditorState.readOnly.of(ro), EditorView.contentAttributes.of({ 'aria-readonly': ro ? 'true' : 'false' })];
}

/** labelExt names the editor for screen readers. */
export function labelExt(label: string): Extension {
  return EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', spellcheck: 'true' });
}

/** relabel changes the editor's accessible name. */
export function relabel(view: EditorView, label: string): void {
  view.dispatch({ effects: labelCompartment.reconfigure(labelExt(label)) });
}

/** createState makes the editor state of one section. */
export function createState(doc: string, o: EditorOptions): EditorState {
  return EditorState.create({
    doc,
    extensions: [
      history(),
      drawSelection(),
      EditorView.lineWrapping,
      markdown(),
      syntaxHighlighting(prose),
      theme,
      placeholder(o.readonly ? 'This section is empty.' : 'Start writing this section…'),
      readonlyCompartment.of(readonlyExt(o.readonly)),
      labelCompartment.of(labelExt(o.label)),
      Prec.highest(
        keymap.of([
          { key: shortcuts.bold, run: bold, preventDefault: true },
          { key: shortcuts.italic, run: italic, preventDefault: true },
          { key: shortcuts.bulletList, run: bulletList, preventDefault: true },
          { key: shortcuts.numberedList, run: numberedList, preventDefault: true },
          { key: shortcuts.heading, run: heading, preventDefault: true },
        ]),
      ),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      ...(o.extra ?? []),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) {
          const local = u.transactions.filter((tr) => tr.docChanged && !tr.annotation(remote)).length;
          if (local > 0) o.onLocal(local);
        }
        if (u.selectionSet || u.focusChanged) o.onSelection();
      }),
    ],
  });
}

/**
 * applyRemote turns the editor's text into `text` with the smallest changes,
 * outside the undo history; CodeMirror maps the selection through them, so
 * the cursor stays on the same character.
 */
export function applyRemote(view: EditorView, text: string): void {
  const cur = view.state.doc.toString();
  const changes = minimalChanges(cur, text);
  if (changes.length === 0) return;
  view.dispatch({
    changes,
    annotations: [remote.of(true), Transaction.addToHistory.of(false), Transaction.remote.of(true)],
  });
}
