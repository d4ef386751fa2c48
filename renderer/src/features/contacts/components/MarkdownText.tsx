import { Typography } from '@mantine/core';
import { useMemo } from 'react';
import { renderMarkdown } from '../utils/markdown.ts';

/** A note's Markdown, rendered safely (see renderMarkdown: typed HTML is escaped, the result sanitised). */
export function MarkdownText({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <Typography fz="sm" dangerouslySetInnerHTML={{ __html: html }} />;
}
