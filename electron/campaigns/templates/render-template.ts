// Campaign templates: a subject and a Markdown body with {{tag}} / {{tag|fallback}} merge tags, turned
// into a subject line, an HTML part and a plain-text part per recipient.
//
// Safety, by construction rather than by filtering afterwards:
// - raw HTML written in the Markdown is escaped (shown as text), never passed through;
// - merge values never reach the Markdown parser: tags become inert placeholders first, and each value is
//   HTML-escaped when it replaces its placeholder in the rendered HTML, so a contact named
//   "<script>…" or "**bold**" arrives as those characters;
// - link targets must be http(s) or mailto; anything else (javascript:, data:) is rendered as plain text;
// - line breaks in values are removed from the subject (no header injection).
import { randomBytes } from 'node:crypto';
import { Marked, type Tokens } from 'marked';
import { mergeTag, type MergeContext } from './merge-tags.ts';

// Control characters (CR, LF, NUL, …) never belong in a header line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

export type CampaignTemplate = { subject: string; body: string };

export type TagUse = { raw: string; name: string; fallback: string | null; index: number };

const TAG_PATTERN = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** Every {{…}} in a text, in order. */
export function findTags(text: string): TagUse[] {
  const uses: TagUse[] = [];
  for (const match of text.matchAll(TAG_PATTERN)) {
    uses.push({ raw: match[0], name: match[1]!.trim(), fallback: match[2] === undefined ? null : match[2].trim(), index: match.index });
  }
  return uses;
}

export type TemplateProblem = { field: 'subject' | 'body'; message: string; tag?: string };

/** What is wrong with a template (empty when it can be saved): unknown tags by name, stray braces. */
export function checkTemplate(template: CampaignTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const field of ['subject', 'body'] as const) {
    const value = template[field];
    const seen = new Set<string>();
    for (const use of findTags(value)) {
      if (use.name === '') problems.push({ field, message: `An empty merge tag ${use.raw} in the ${field}: write a tag name inside the braces.` });
      else if (!mergeTag(use.name) && !seen.has(use.name)) {
        seen.add(use.name);
        problems.push({ field, tag: use.name, message: `Unknown merge tag {{${use.name}}} in the ${field}. Pick one from the tag list.` });
      }
    }
    // Braces left over once every well-formed tag is removed: a tag typed without its closing braces.
    const leftover = value.replace(TAG_PATTERN, '');
    if (leftover.includes('{{') || leftover.includes('}}')) problems.push({ field, message: `The ${field} has unmatched {{ or }}: close every merge tag with }}.` });
  }
  if (template.subject.trim() === '') problems.push({ field: 'subject', message: 'Write a subject line.' });
  if (/[\r\n]/.test(template.subject)) problems.push({ field: 'subject', message: 'The subject must be a single line.' });
  return problems;
}

export type RenderedMessage = { subject: string; html: string; text: string };

export type RenderOptions = {
  /** Rewrites a link target for click tracking (only links written without merge tags are tracked). */
  trackLink?: (url: string) => string;
  /** An image URL appended to the HTML part (open tracking). */
  openPixelUrl?: string | null;
  /** Shown in both parts' footer; the unsubscribe link comes from context.unsubscribeUrl. */
  footer?: boolean;
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

function resolveTag(use: Pick<TagUse, 'name' | 'fallback'>, context: MergeContext): string {
  const tag = mergeTag(use.name);
  if (!tag) throw new Error(`Unknown merge tag {{${use.name}}}`); // checkTemplate refuses these at save time
  const value = tag.resolve(context);
  return value === null || value === '' ? (use.fallback ?? '') : value;
}

/** Replaces tags with their raw (unescaped) values: for the subject and the text part. */
function substituteRaw(text: string, context: MergeContext): string {
  return text.replace(TAG_PATTERN, (_raw, name: string, fallback: string | undefined) =>
    resolveTag({ name: name.trim(), fallback: fallback === undefined ? null : fallback.trim() }, context),
  );
}

/** The subject line: values substituted, line breaks and control characters removed. */
export function renderSubject(subject: string, context: MergeContext): string {
  return substituteRaw(subject, context)
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

type CompiledBody = {
  /** The body's HTML with inert markers where values and links go. */
  html: string;
  /** The tag of each value placeholder, in order. */
  tags: Pick<TagUse, 'name' | 'fallback'>[];
  /** Each link: its target as written (with value placeholders) and whether a merge tag is in it. */
  links: { href: string; title: string | null; personalised: boolean }[];
  images: { src: string; alt: string }[];
  placeholder: RegExp;
};

// Markers the Markdown parser never sees (our renderer writes them into its output); \u0002 cannot come
// from the body, which has its control characters removed before parsing.
/* eslint-disable no-control-regex -- the markers are a control character on purpose */
const LINK_OPEN = /\u0002L(\d+)\u0002/g;
const LINK_CLOSE = /\u0002\/L(\d+)\u0002/g;
const IMAGE = /\u0002I(\d+)\u0002/g;
const MARKER_CHARACTER = /\u0002/g;
/* eslint-enable no-control-regex */

/**
 * The Markdown is parsed once per template, not once per recipient: values only ever replace inert
 * placeholders afterwards (escaped), so the parse does not depend on them. Link targets that contain merge
 * tags are decided per recipient (only http(s) and mailto survive), as is click tracking.
 */
function compileBody(body: string): CompiledBody {
  const nonce = randomBytes(6).toString('hex');
  const tags: CompiledBody['tags'] = [];
  const links: CompiledBody['links'] = [];
  const images: CompiledBody['images'] = [];
  // Placeholders are letters and digits only, so Markdown never treats them as syntax; the nonce makes
  // sure text the user typed can never be mistaken for one.
  const withPlaceholders = body.replace(MARKER_CHARACTER, '').replace(TAG_PATTERN, (_raw, name: string, fallback: string | undefined) => {
    tags.push({ name: name.trim(), fallback: fallback === undefined ? null : fallback.trim() });
    return `mt${nonce}x${tags.length - 1}x`;
  });
  const placeholder = new RegExp(`mt${nonce}x(\\d+)x`, 'g');
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    renderer: {
      // Raw HTML typed into the Markdown is shown as text, never interpreted.
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link) {
        const inner = this.parser.parseInline(token.tokens);
        placeholder.lastIndex = 0;
        links.push({ href: token.href, title: token.title ?? null, personalised: placeholder.test(token.href) });
        placeholder.lastIndex = 0;
        return `\u0002L${links.length - 1}\u0002${inner}\u0002/L${links.length - 1}\u0002`;
      },
      image(token: Tokens.Image) {
        images.push({ src: token.href, alt: token.text });
        return `\u0002I${images.length - 1}\u0002`;
      },
    },
  });
  return { html: marked.parse(withPlaceholders) as string, tags, links, images, placeholder };
}

const compiledBodies = new Map<string, CompiledBody>();

function compiled(body: string): CompiledBody {
  let found = compiledBodies.get(body);
  if (!found) {
    found = compileBody(body);
    if (compiledBodies.size >= 20) compiledBodies.delete(compiledBodies.keys().next().value!);
    compiledBodies.set(body, found);
  }
  return found;
}

function renderHtmlBody(body: string, context: MergeContext, options: RenderOptions): string {
  const template = compiled(body);
  const values = template.tags.map((tag) => resolveTag(tag, context));
  const fillRaw = (text: string) => text.replace(template.placeholder, (_m, i: string) => values[Number(i)] ?? '');
  const targets = template.links.map((link) => {
    const href = fillRaw(link.href).trim();
    if (!SAFE_LINK.test(href)) return null;
    return !link.personalised && options.trackLink && /^https?:/i.test(href) ? options.trackLink(href) : href;
  });
  return (
    template.html
      .replace(LINK_OPEN, (_m, i: string) => {
        const target = targets[Number(i)];
        const link = template.links[Number(i)]!;
        return target ? `<a href="${escapeHtml(target)}"${link.title ? ` title="${escapeHtml(fillRaw(link.title))}"` : ''}>` : '';
      })
      .replace(LINK_CLOSE, (_m, i: string) => (targets[Number(i)] ? '</a>' : ''))
      .replace(IMAGE, (_m, i: string) => {
        const image = template.images[Number(i)]!;
        const src = fillRaw(image.src).trim();
        const alt = fillRaw(image.alt);
        return /^https:\/\//i.test(src) ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" style="max-width:100%">` : escapeHtml(alt);
      })
      // Values land in text and attribute positions alike; escaping quotes too makes both safe.
      .replace(template.placeholder, (_m, i: string) => escapeHtml(values[Number(i)] ?? ''))
  );
}

/** Markdown as readable plain text: links show their address, emphasis marks go. */
function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^*])\*(?!\s)([^*]+?)\*/g, '$1$2')
    .replace(/^\s*[-*+]\s+/gm, '• ')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function renderMessage(template: CampaignTemplate, context: MergeContext, options: RenderOptions = {}): RenderedMessage {
  const subject = renderSubject(template.subject, context);
  let html = renderHtmlBody(template.body, context, options);
  // The text part: values go in raw (no HTML here), inside the Markdown-as-text conversion's output.
  const textBody = markdownToText(template.body);
  let text = substituteRaw(textBody, context);

  if (options.footer !== false) {
    const address = context.brokerage?.postalAddress?.trim() || '';
    const sender = [context.agent?.name, context.brokerage?.name].filter(Boolean).join(', ');
    const unsubscribe = context.unsubscribeUrl;
    html +=
      `\n<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">` +
      `<p style="font-size:12px;color:#666;line-height:1.5">` +
      (sender ? `${escapeHtml(sender)}<br>` : '') +
      (address ? `${escapeHtml(address)}<br>` : '') +
      (unsubscribe ? `<a href="${escapeHtml(unsubscribe)}">Unsubscribe</a> from these emails.` : 'Unsubscribe link added when the message is sent.') +
      `</p>`;
    text += `\n\n--\n${sender ? `${sender}\n` : ''}${address ? `${address}\n` : ''}${unsubscribe ? `Unsubscribe: ${unsubscribe}` : 'Unsubscribe link added when the message is sent.'}`;
  }
  if (options.openPixelUrl) html += `<img src="${escapeHtml(options.openPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0">`;
  const document = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.55;color:#222;max-width:640px">${html}</body></html>`;
  return { subject, html: document, text };
}

/** Every distinct http(s) link target written without merge tags: the ones click tracking signs. */
export function trackableLinks(body: string): string[] {
  const links = new Set<string>();
  const lexer = new Marked({ gfm: true });
  lexer.walkTokens(lexer.lexer(body), (token) => {
    if (token.type === 'link') {
      const href = (token as Tokens.Link).href.trim();
      if (/^https?:\/\//i.test(href) && !/\{\{|%7B%7B/i.test(href)) links.add(href);
    }
  });
  return [...links];
}
