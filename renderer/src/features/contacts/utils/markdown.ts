import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Markdown → HTML that is safe to insert: raw HTML in a note is escaped before parsing (a note is text
 * someone typed, never markup), then DOMPurify removes anything executable marked could still produce
 * (javascript: links and the like). Links open nowhere inside the app: they get rel and target.
 */
export function renderMarkdown(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html = marked.parse(escaped, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
    ALLOWED_ATTR: ['href', 'title'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:)/i,
  });
}
