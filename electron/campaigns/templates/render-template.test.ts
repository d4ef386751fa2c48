import { describe, expect, it } from 'vitest';
import { MERGE_TAGS, mergeTagCatalogue, type MergeContext } from './merge-tags.ts';
import { checkTemplate, findTags, renderMessage, renderSubject, trackableLinks } from './render-template.ts';

const NOW = new Date('2026-04-03T12:00:00Z');

const context = (overrides: Partial<MergeContext> = {}): MergeContext => ({
  contact: { id: 'c1', firstName: 'Dana', lastName: 'Reyes', email: 'dana@example.com', phone: '(206) 555-0101', zipcode: '98103', stage: 'past_client' },
  property: {
    address: '412 N 40th St',
    zipcode: '98103',
    estimate: 812_000,
    estimateLow: 768_000,
    estimateHigh: 856_000,
    bedrooms: 3,
    bathrooms: 2.5,
    sqftLiving: 1840,
    yrBuilt: 1926,
    purchaseDate: '2014-06-01',
    purchasePrice: 455_000,
    loanOriginal: 364_000,
    loanRate: 4.25,
    loanTermYears: 30,
  },
  agent: { name: 'Avery Lee', email: 'avery@cascade.test' },
  brokerage: { name: 'Cascade Realty', postalAddress: '100 Pine St, Seattle, WA 98101' },
  alert: { type: 'sell', priority: 'HIGH' },
  unsubscribeUrl: 'https://sync.example/u/tok',
  now: NOW,
  ...overrides,
});

describe('merge tag catalogue', () => {
  it('has at least 25 documented tags, each resolving for a full context', () => {
    expect(MERGE_TAGS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(MERGE_TAGS.map((t) => t.name)).size).toBe(MERGE_TAGS.length);
    for (const tag of MERGE_TAGS) {
      expect(tag.description, tag.name).not.toBe('');
      expect(tag.example, tag.name).not.toBe('');
      expect(tag.resolve(context()), tag.name).not.toBeNull();
    }
    expect(mergeTagCatalogue()[0]).toEqual({ name: 'first_name', group: 'contact', description: 'First name', example: 'Dana', source: 'contacts.first_name' });
  });

  it('computes money, equity and the intent word', () => {
    const msg = renderMessage({ subject: 'x', body: '{{property.estimate}} / {{equity}} / {{alert.intent}} / {{property.appreciation_percent}}' }, context(), { footer: false });
    expect(msg.text).toMatch(/^\$812,000 \/ \$\d{3},\d{3} \/ selling \/ 78%$/);
  });
});

describe('checkTemplate', () => {
  it('accepts known tags with and without fallbacks', () => {
    expect(checkTemplate({ subject: 'Hi {{ first_name | there }}', body: '{{property.address}} is worth {{property.estimate|a lot}}' })).toEqual([]);
  });

  it('names unknown tags, empty tags, unclosed braces and multi-line subjects', () => {
    const problems = checkTemplate({ subject: 'Hi {{frist_name}}\nagain', body: 'Worth {{property.value}} {{}} and {{first_name' });
    expect(problems.map((p) => p.message)).toEqual([
      'Unknown merge tag {{frist_name}} in the subject. Pick one from the tag list.',
      'Unknown merge tag {{property.value}} in the body. Pick one from the tag list.',
      'An empty merge tag {{}} in the body: write a tag name inside the braces.',
      'The body has unmatched {{ or }}: close every merge tag with }}.',
      'The subject must be a single line.',
    ]);
    expect(problems.filter((p) => p.tag).map((p) => p.tag)).toEqual(['frist_name', 'property.value']);
  });

  it('finds tags with their fallbacks', () => {
    expect(findTags('a {{first_name|there}} b {{ agent.name }}')).toEqual([
      { raw: '{{first_name|there}}', name: 'first_name', fallback: 'there', index: 2 },
      { raw: '{{ agent.name }}', name: 'agent.name', fallback: null, index: 25 },
    ]);
  });
});

describe('renderMessage', () => {
  it('renders Markdown to HTML and a readable text part, with fallbacks', () => {
    const msg = renderMessage(
      { subject: 'Hi {{first_name|there}}, your home in {{month}}', body: '# Hello {{first_name|there}}\n\nYour home at **{{property.address}}** is worth about {{property.estimate}}.\n\n[See the report](https://example.com/report)' },
      context({ contact: { ...context().contact, firstName: '' } }),
    );
    expect(msg.subject).toBe('Hi there, your home in April');
    expect(msg.html).toContain('<h1>Hello there</h1>');
    expect(msg.html).toContain('<strong>412 N 40th St</strong>');
    expect(msg.html).toContain('<a href="https://example.com/report">See the report</a>');
    expect(msg.text).toContain('Hello there');
    expect(msg.text).toContain('Your home at 412 N 40th St is worth about $812,000.');
    expect(msg.text).toContain('See the report (https://example.com/report)');
    // Footer: sender, postal address, unsubscribe link in both parts.
    expect(msg.html).toContain('100 Pine St, Seattle, WA 98101');
    expect(msg.html).toContain('<a href="https://sync.example/u/tok">Unsubscribe</a>');
    expect(msg.text).toContain('Unsubscribe: https://sync.example/u/tok');
  });

  it('escapes hostile values and raw HTML in the Markdown; values are never parsed as Markdown', () => {
    const hostile = context({
      contact: { ...context().contact, firstName: '<script>alert(1)</script>', lastName: '**[x](javascript:alert(2))**' },
      property: { ...context().property!, address: '"><img src=x onerror=alert(3)>' },
    });
    const msg = renderMessage(
      { subject: 'Hi {{first_name}}', body: 'Dear {{full_name}},\n\n<b onclick="x()">typed html</b>\n\n<script>alert(4)</script>\n\n[home]({{property.address}}) [js](javascript:alert(5))' },
      hostile,
      { footer: false },
    );
    expect(msg.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; **[x](javascript:alert(2))**');
    expect(msg.html).toContain('&lt;b onclick=&quot;x()&quot;&gt;typed html&lt;/b&gt;');
    expect(msg.html).toContain('&lt;script&gt;alert(4)&lt;/script&gt;');
    expect(msg.html).not.toMatch(/<script|<img src=x|onerror=alert|href="javascript/i);
    expect(msg.html).not.toContain('<strong>');
    // The unsafe links keep their label as text only.
    expect(msg.html).toContain('home js');
    expect(msg.subject).toBe('Hi <script>alert(1)</script>'); // a subject is plain text: the mail client shows it as written
  });

  it('removes line breaks from values in the subject (no header injection)', () => {
    const msg = renderSubject('Hi {{first_name}}', context({ contact: { ...context().contact, firstName: 'Dana\r\nBcc: victim@example.com' } }));
    expect(msg).toBe('Hi Dana Bcc: victim@example.com');
    expect(msg).not.toMatch(/[\r\n]/);
  });

  it('tracks only links written without merge tags, and adds the open pixel', () => {
    const body = '[a](https://example.com/a) [b](https://example.com/b?x=1&y=2) [me]({{unsubscribe_url}}) [m](mailto:x@example.com)';
    expect(trackableLinks(body)).toEqual(['https://example.com/a', 'https://example.com/b?x=1&y=2']);
    const msg = renderMessage({ subject: 's', body }, context(), { trackLink: (url) => `https://t.example/c?u=${encodeURIComponent(url)}`, openPixelUrl: 'https://t.example/o.gif', footer: false });
    expect(msg.html).toContain('href="https://t.example/c?u=https%3A%2F%2Fexample.com%2Fa"');
    expect(msg.html).toContain('href="https://sync.example/u/tok"');
    expect(msg.html).toContain('href="mailto:x@example.com"');
    expect(msg.html).toContain('<img src="https://t.example/o.gif" width="1" height="1"');
  });
});
