// The preview's Markdown renderer: CommonMark + GFM, author text always
// escaped (raw HTML is shown as text), links limited to safe schemes.

import { Marked, type Tokens } from 'marked';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** escapeHtml makes text safe inside HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** safeHref keeps http(s), mailto and in-document links; anything else (javascript:, data:) is dropped. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h) || h.startsWith('#')) return h;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return null;
  return h;
}

const md = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    link(this: { parser: { parseInline: (t: Tokens.Generic[]) => string } }, token: Tokens.Link): string {
      const inner = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      if (!href) return inner;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      return `<a href="${escapeHtml(href)}"${title} rel="noopener noreferrer" target="_blank">${inner}</a>`;
    },
    image({ text }: Tokens.Image): string {
      // Figures arrive later (asset: links); until then an image is its caption.
      return `<span class="img-placeholder">[${escapeHtml(text)}]</span>`;
    },
  },
});

/** renderMarkdown turns a section's Markdown into safe HTML. */
export function renderMarkdown(text: string): string {
  return md.parse(text, { async: false }) as string;
}
