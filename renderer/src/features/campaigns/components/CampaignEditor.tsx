import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import type { Campaign, SegmentInput } from '../types.ts';
import { CampaignStatsPanel } from './CampaignStatsPanel.tsx';
import { SchedulePanel } from './SchedulePanel.tsx';
import { SegmentBuilder } from './SegmentBuilder.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';

const STARTER_BODY = `Hi {{first_name|there}},

Homes around **{{property.address|your neighborhood}}** have moved this {{season}}. Our latest estimate for yours is **{{property.estimate|available on request}}**.

[See how we got there](https://example.com/market-report)

{{agent.name}}
{{brokerage.name}}`;

type Draft = { name: string; subject: string; body: string; segment: SegmentInput };

const draftOf = (campaign: Campaign | null): Draft =>
  campaign
    ? { name: campaign.name, subject: campaign.subject, body: campaign.body, segment: campaign.segment }
    : { name: '', subject: 'What your home is worth this {{season}}', body: STARTER_BODY, segment: { match: 'all', rules: [] } };

/** One campaign: audience, message, sending and results. `id` null: a new campaign. */
export function CampaignEditor({ id, onBack, onCreated }: { id: string | null; onBack: () => void; onCreated: (id: string) => void }) {
  const api = useApi();
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [draft, setDraft] = useState<Draft>(draftOf(null));
  const [saved, setSaved] = useState<Draft>(draftOf(null));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(id !== null);

  useEffect(() => {
    if (!id) return;
    let current = true;
    api.getCampaign({ id }).then(
      (next) => {
        if (!current) return;
        setCampaign(next);
        setDraft(draftOf(next));
        setSaved(draftOf(next));
        setLoading(false);
      },
      (cause: unknown) => {
        if (!current) return;
        setError(errorMessage(cause));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, id]);

  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  const locked = campaign?.status === 'sending';

  // Status and schedule change under us (the scheduler starts and finishes runs, another device edits):
  // refresh them, and the text too unless the user is in the middle of editing it.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const campaignId = campaign?.id ?? null;
  const refresh = useCallback(() => {
    if (!campaignId) return;
    api.getCampaign({ id: campaignId }).then(
      (next) => {
        setCampaign(next);
        if (!dirtyRef.current) {
          setDraft(draftOf(next));
          setSaved(draftOf(next));
        }
      },
      () => {},
    );
  }, [api, campaignId]);
  useDataChanged(['campaigns'], refresh, 400);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.saveCampaign({ ...(campaign ? { id: campaign.id } : {}), ...draft });
      setCampaign(next);
      setSaved(draftOf(next));
      setDraft(draftOf(next));
      if (!campaign) onCreated(next.id);
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setBusy(false);
    }
  };

  if (loading) return <Text c="dimmed">Loading…</Text>;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Button variant="subtle" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          All campaigns
        </Button>
        <Group>
          {dirty && <Text size="sm" c="dimmed">Unsaved changes</Text>}
          <Button onClick={() => void save()} loading={busy} disabled={!dirty || locked}>
            {campaign ? 'Save' : 'Create campaign'}
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" role="alert" title="Not saved">
          {error}
        </Alert>
      )}
      <TextInput label="Campaign name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} placeholder="Spring home values" disabled={locked} maw={480} />
      <SegmentBuilder value={draft.segment} onChange={(segment) => setDraft({ ...draft, segment })} campaignId={id} />
      <TemplateEditor subject={draft.subject} body={draft.body} segment={draft.segment} onChange={(template) => setDraft({ ...draft, ...template })} />
      {campaign && <SchedulePanel campaign={campaign} dirty={dirty} onChanged={setCampaign} />}
      {campaign && <CampaignStatsPanel campaignId={campaign.id} />}
    </Stack>
  );
}
