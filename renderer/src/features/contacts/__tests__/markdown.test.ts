// @vitest-environment jsdom
// Notes are Markdown typed by people: rendered with formatting, never as live HTML or script.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../utils/markdown.ts';

describe('renderMarkdown', () => {
  it('renders Markdown formatting', () => {
    expect(renderMarkdown('**Pre-approved** for _$800k_\n\n- call Tue\n- send comps')).toBe(
      '<p><strong>Pre-approved</strong> for <em>$800k</em></p>\n<ul>\n<li>call Tue</li>\n<li>send comps</li>\n</ul>\n',
    );
  });

  it('shows typed HTML as text: no element, no handler', () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)"><script>alert(2)</script>');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror="alert(1)"&gt;');
  });

  it('keeps http, mailto and tel links and drops javascript: ones', () => {
    expect(renderMarkdown('[site](https://example.com) [mail](mailto:a@b.co)')).toContain('href="https://example.com"');
    const evil = renderMarkdown('[click](javascript:alert(1))');
    expect(evil).not.toContain('javascript:');
    expect(evil).toContain('click');
  });
});
