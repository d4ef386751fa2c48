import { Alert, Badge, Button, Group, Paper, ScrollArea, Select, Stack, Tabs, Text, Textarea, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { CampaignPreview, MergeTagInfo, SegmentCount, SegmentInput } from '../types.ts';

type Props = {
  subject: string;
  body: string;
  segment: SegmentInput;
  onChange: (template: { subject: string; body: string }) => void;
};

/** Subject and Markdown body with the merge-tag list, a per-recipient preview and a test send to oneself. */
export function TemplateEditor({ subject, body, segment, onChange }: Props) {
  const api = useApi();
  const [tags, setTags] = useState<MergeTagInfo[]>([]);
  const [sample, setSample] = useState<SegmentCount['sample']>([]);
  const [contactId, setContactId] = useState<string | null>(null);
  const [preview, setPreview] = useState<CampaignPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [testState, setTestState] = useState<{ busy: boolean; message: string | null; error: string | null }>({ busy: false, message: null, error: null });
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const segmentKey = JSON.stringify(segment);

  useEffect(() => {
    api.listMergeTags().then(setTags, () => setTags([]));
  }, [api]);

  useEffect(() => {
    api.countSegment({ segment: JSON.parse(segmentKey) as SegmentInput }).then(
      (count) => setSample(count.sample),
      () => setSample([]),
    );
  }, [api, segmentKey]);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.previewCampaign({ subject, body, segment: JSON.parse(segmentKey) as SegmentInput, ...(contactId ? { contactId } : {}) }).then(
        (next) => {
          if (!current) return;
          setPreview(next);
          setPreviewError(null);
        },
        (cause: unknown) => current && setPreviewError(errorMessage(cause)),
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, subject, body, segmentKey, contactId]);

  const insertTag = (name: string) => {
    const area = bodyRef.current;
    const tag = `{{${name}}}`;
    if (!area) return onChange({ subject, body: body + tag });
    const start = area.selectionStart ?? body.length;
    const end = area.selectionEnd ?? body.length;
    onChange({ subject, body: body.slice(0, start) + tag + body.slice(end) });
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(start + tag.length, start + tag.length);
    });
  };

  const sendTest = async () => {
    setTestState({ busy: true, message: null, error: null });
    try {
      const result = await api.sendTestEmail({ subject, body, ...(contactId ? { contactId } : {}) });
      setTestState({ busy: false, message: `Test sent to ${result.sentTo}.`, error: null });
    } catch (cause) {
      setTestState({ busy: false, message: null, error: errorMessage(cause) });
    }
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="template-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="template-heading">
          Message
        </Title>
        <Group align="flex-start" grow wrap="nowrap">
          <Stack gap="sm" miw={0}>
            <TextInput label="Subject" value={subject} onChange={(e) => onChange({ subject: e.currentTarget.value, body })} placeholder="{{first_name|Hi there}}, your home's value this {{season}}" />
            <Textarea
              ref={bodyRef}
              label="Body (Markdown)"
              description="**bold**, # headings, [links](https://…). HTML is shown as text, not interpreted."
              autosize
              minRows={10}
              maxRows={24}
              value={body}
              onChange={(e) => onChange({ subject, body: e.currentTarget.value })}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <div>
              <Text size="sm" fw={500} mb={4} id="merge-tags-label">
                Merge tags — click to insert; write {'{{tag|fallback}}'} for a default
              </Text>
              <ScrollArea.Autosize mah={180}>
                <Group gap={6} role="list" aria-labelledby="merge-tags-label">
                  {tags.map((tag) => (
                    <Tooltip key={tag.name} label={`${tag.description} — e.g. ${tag.example} (${tag.source})`} multiline w={280}>
                      <UnstyledButton role="listitem" onClick={() => insertTag(tag.name)} aria-label={`Insert ${tag.name}: ${tag.description}`}>
                        <Badge variant="outline" tt="none" style={{ cursor: 'pointer' }}>
                          {tag.name}
                        </Badge>
                      </UnstyledButton>
                    </Tooltip>
                  ))}
                </Group>
              </ScrollArea.Autosize>
            </div>
          </Stack>
          <Stack gap="sm" miw={0}>
            <Select
              label="Preview for"
              placeholder={sample.length > 0 ? 'First recipient' : 'Example values'}
              clearable
              data={sample.map((person) => ({ value: person.id, label: `${person.name} — ${person.email}` }))}
              value={contactId}
              onChange={setContactId}
            />
            {previewError ? (
              <Alert color="red" role="alert" title="Cannot preview">
                {previewError}
              </Alert>
            ) : (
              preview && (
                <Tabs defaultValue="html">
                  <Tabs.List>
                    <Tabs.Tab value="html">Email</Tabs.Tab>
                    <Tabs.Tab value="text">Plain text</Tabs.Tab>
                  </Tabs.List>
                  <Text size="sm" mt="xs" data-testid="preview-subject">
                    <b>Subject:</b> {preview.subject}
                  </Text>
                  <Tabs.Panel value="html" pt="xs">
                    {/* Sandboxed: no scripts, no navigation, no same-origin access. */}
                    <iframe title="Email preview" sandbox="" srcDoc={preview.html} style={{ width: '100%', height: 380, border: '1px solid var(--mantine-color-default-border)', borderRadius: 6, background: 'white' }} />
                  </Tabs.Panel>
                  <Tabs.Panel value="text" pt="xs">
                    <Text component="pre" size="xs" style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
                      {preview.text}
                    </Text>
                  </Tabs.Panel>
                </Tabs>
              )
            )}
            <Group>
              <Button variant="light" onClick={() => void sendTest()} loading={testState.busy}>
                Send me a test
              </Button>
              {testState.message && (
                <Text size="sm" c="green" role="status">
                  {testState.message}
                </Text>
              )}
            </Group>
            {testState.error && (
              <Alert color="red" role="alert">
                {testState.error}
              </Alert>
            )}
          </Stack>
        </Group>
      </Stack>
    </Paper>
  );
}
