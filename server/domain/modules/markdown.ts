import { Marked, type Token, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown of module content becomes HTML that is safe to put into a page as it is. Two layers:
 * marked escapes any raw HTML in the source (content authors write Markdown, not HTML), and
 * sanitize-html then keeps only the tags and attributes Markdown itself produces, so a mistake in
 * one layer is not enough to let a script or an event handler through.
 */

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // Raw HTML blocks and inline tags are shown as text, never interpreted.
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    // Content runs inside the Moodle iframe: an outside link opens in a new window, which must
    // not get a handle on this one.
    a: (tagName, attribs) => {
      const external = /^(https?:)?\/\//i.test(attribs.href ?? '');
      return {
        tagName,
        attribs: external
          ? { ...attribs, target: '_blank', rel: 'noopener noreferrer' }
          : { ...attribs, rel: 'noopener' },
      };
    },
  },
};

/** Renders Markdown to sanitised HTML: no raw HTML, scripts, event handlers or script URLs survive. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return sanitizeHtml(html, SANITIZE);
}

/** Markdown split into its first-level title and the body below it. */
export type MarkdownDocument = { title: string | null; body: string; titleLine: number };

/**
 * Finds the `# Title` a step file must start with (blank lines and nothing else may come before
 * it); the title is shown apart from the body, in the step list and as the page heading.
 */
export function splitTitle(source: string): MarkdownDocument {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  const match = /^#\s+(.+?)\s*#*\s*$/.exec(lines[i] ?? '');
  if (!match) return { title: null, body: source, titleLine: i + 1 };
  return { title: match[1], body: lines.slice(i + 1).join('\n'), titleLine: i + 1 };
}

/**
 * Where raw HTML appears in Markdown (1-based lines), so a content author learns about it at start
 * instead of seeing escaped tags on the page.
 */
export function findRawHtml(source: string): { line: number; html: string }[] {
  const found: { line: number; html: string }[] = [];
  let from = 0;
  marked.walkTokens(marked.lexer(source), (token: Token) => {
    if (token.type !== 'html') return;
    const at = source.indexOf(token.raw, from);
    const offset = at >= 0 ? at : from;
    if (at >= 0) from = at + token.raw.length;
    found.push({ line: source.slice(0, offset).split('\n').length, html: token.raw.trim().slice(0, 40) });
  });
  return found;
}
