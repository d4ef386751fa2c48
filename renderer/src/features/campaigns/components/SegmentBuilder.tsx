import { ActionIcon, Alert, Badge, Button, Group, List, Loader, MultiSelect, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import type { SegmentCount, SegmentInput, SegmentRuleInput, SegmentRuleKind } from '../types.ts';

const RULE_KINDS: { value: SegmentRuleKind; label: string }[] = [
  { value: 'stage', label: 'Stage' },
  { value: 'tag', label: 'Tag' },
  { value: 'zipcode', label: 'Contact zip code' },
  { value: 'mine', label: 'Assigned to me' },
  { value: 'alert', label: 'Has an alert' },
  { value: 'estimate', label: 'Home value' },
  { value: 'equity', label: 'Equity' },
  { value: 'loanRate', label: 'Loan rate (%)' },
  { value: 'propertyZipcode', label: 'Home zip code' },
  { value: 'engagement', label: 'Engagement' },
];

const STAGES = ['lead', 'prospect', 'active', 'past_client', 'sphere', 'archived'];
const INTENTS = [
  { value: 'sell', label: 'Sell' },
  { value: 'buy', label: 'Buy' },
  { value: 'refinance', label: 'Refinance' },
  { value: 'investment', label: 'Invest' },
];
const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const ALERT_STATUSES = ['new', 'viewed', 'contacted', 'converted', 'dismissed', 'snoozed'];
const EVENT_TYPES = ['home_value_checked', 'document_viewed', 'document_downloaded', 'document_shared', 'email_opened', 'email_clicked', 'calculator_used', 'comparables_viewed', 'market_report_viewed', 'home_search', 'profile_updated', 'login'];

export function newRule(kind: SegmentRuleKind): SegmentRuleInput {
  switch (kind) {
    case 'stage':
      return { kind, stages: ['past_client'] };
    case 'tag':
      return { kind, tag: '' };
    case 'zipcode':
    case 'propertyZipcode':
      return { kind, zipcodes: [] };
    case 'mine':
      return { kind };
    case 'alert':
      return { kind, types: ['sell'], minPriority: 'HIGH', statuses: [] };
    case 'estimate':
    case 'equity':
      return { kind, min: 500_000, max: null };
    case 'loanRate':
      return { kind, min: 6, max: null };
    case 'engagement':
      return { kind, days: 30, minCount: 1, eventType: null };
  }
}

const rangeNumber = (value: string | number) => (value === '' ? null : Number(value));

function RuleFields({ rule, onChange }: { rule: SegmentRuleInput; onChange: (rule: SegmentRuleInput) => void }) {
  switch (rule.kind) {
    case 'stage':
      return (
        <Group gap="xs" wrap="nowrap">
          <MultiSelect aria-label="Stages" data={STAGES} value={rule.stages} onChange={(stages) => onChange({ ...rule, stages: stages as typeof rule.stages })} miw={240} />
          <Switch label="Exclude" checked={rule.negate ?? false} onChange={(e) => onChange({ ...rule, negate: e.currentTarget.checked })} />
        </Group>
      );
    case 'tag':
      return (
        <Group gap="xs" wrap="nowrap">
          <TextInput aria-label="Tag" placeholder="vip" value={rule.tag} onChange={(e) => onChange({ ...rule, tag: e.currentTarget.value })} />
          <Switch label="Without it" checked={rule.negate ?? false} onChange={(e) => onChange({ ...rule, negate: e.currentTarget.checked })} />
        </Group>
      );
    case 'zipcode':
    case 'propertyZipcode':
      return <TagsInput aria-label="Zip codes" placeholder="98103, Enter" value={rule.zipcodes} onChange={(zipcodes) => onChange({ ...rule, zipcodes })} miw={260} />;
    case 'mine':
      return <Text size="sm">Only contacts assigned to you.</Text>;
    case 'alert':
      return (
        <Group gap="xs" wrap="wrap">
          <MultiSelect aria-label="Alert types" placeholder="Any type" data={INTENTS} value={rule.types ?? []} onChange={(types) => onChange({ ...rule, types: types as NonNullable<typeof rule.types> })} miw={180} />
          <Select
            aria-label="Minimum priority"
            placeholder="Any priority"
            clearable
            data={PRIORITIES.map((p) => ({ value: p, label: `${p} or higher` }))}
            value={rule.minPriority ?? null}
            onChange={(value) => onChange({ ...rule, minPriority: (value as typeof rule.minPriority) ?? null })}
            w={180}
          />
          <MultiSelect aria-label="Alert statuses" placeholder="Any status" data={ALERT_STATUSES} value={rule.statuses ?? []} onChange={(statuses) => onChange({ ...rule, statuses: statuses as NonNullable<typeof rule.statuses> })} miw={160} />
          <Switch label="Without such an alert" checked={rule.negate ?? false} onChange={(e) => onChange({ ...rule, negate: e.currentTarget.checked })} />
        </Group>
      );
    case 'estimate':
    case 'equity':
    case 'loanRate':
      return (
        <Group gap="xs" wrap="nowrap">
          <NumberInput aria-label="Minimum" placeholder="Min" thousandSeparator="," value={rule.min ?? ''} onChange={(value) => onChange({ ...rule, min: rangeNumber(value) })} w={150} />
          <Text size="sm">to</Text>
          <NumberInput aria-label="Maximum" placeholder="Max" thousandSeparator="," value={rule.max ?? ''} onChange={(value) => onChange({ ...rule, max: rangeNumber(value) })} w={150} />
        </Group>
      );
    case 'engagement':
      return (
        <Group gap="xs" wrap="wrap">
          <Switch label="No activity" checked={rule.negate ?? false} onChange={(e) => onChange({ ...rule, negate: e.currentTarget.checked })} />
          {!rule.negate && <NumberInput aria-label="At least this many events" min={1} value={rule.minCount ?? 1} onChange={(value) => onChange({ ...rule, minCount: Number(value) || 1 })} w={90} />}
          <Select
            aria-label="Event type"
            placeholder="Any event"
            clearable
            data={EVENT_TYPES}
            value={rule.eventType ?? null}
            onChange={(value) => onChange({ ...rule, eventType: (value as typeof rule.eventType) ?? null })}
            w={220}
          />
          <Text size="sm">in the last</Text>
          <NumberInput aria-label="Days" min={1} max={3650} value={rule.days} onChange={(value) => onChange({ ...rule, days: Number(value) || 1 })} w={90} />
          <Text size="sm">days</Text>
        </Group>
      );
  }
}

/**
 * Every audience is saved with its campaign (and syncs with it), so any of them can start another:
 * "Reuse the audience of…" copies one campaign's rules into this one.
 */
function ReuseAudience({ campaignId, onPick, onError }: { campaignId: string | null; onPick: (segment: SegmentInput) => void; onError: (message: string) => void }) {
  const api = useApi();
  const [others, setOthers] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    let current = true;
    api.listCampaigns().then(
      (campaigns) => current && setOthers(campaigns.filter((c) => c.id !== campaignId).map((c) => ({ value: c.id, label: c.name }))),
      () => {}, // the picker is a shortcut: without the list, rules are still added by hand
    );
    return () => {
      current = false;
    };
  }, [api, campaignId]);
  if (others.length === 0) return null;
  return (
    <Select
      aria-label="Reuse the audience of another campaign"
      placeholder="Reuse the audience of…"
      data={others}
      value={null}
      searchable
      w={260}
      onChange={(id) => {
        if (!id) return;
        api.getCampaign({ id }).then(
          (campaign) => onPick(campaign.segment),
          (cause: unknown) => onError(errorMessage(cause)),
        );
      }}
    />
  );
}

/** The audience: rules, live count with the reasons people are left out, and a sample. */
export function SegmentBuilder({ value, onChange, campaignId = null }: { value: SegmentInput; onChange: (segment: SegmentInput) => void; campaignId?: string | null }) {
  const api = useApi();
  const [count, setCount] = useState<SegmentCount | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [counting, setCounting] = useState(false);
  const rules = value.rules ?? [];
  const key = JSON.stringify(value);

  useEffect(() => {
    let current = true;
    setCounting(true);
    const timer = setTimeout(() => {
      api.countSegment({ segment: JSON.parse(key) as SegmentInput }).then(
        (next) => {
          if (!current) return;
          setCount(next);
          setError(null);
          setCounting(false);
        },
        (cause: unknown) => {
          if (!current) return;
          setError(errorMessage(cause));
          setCounting(false);
        },
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, key]);

  const setRule = (index: number, rule: SegmentRuleInput) => onChange({ ...value, rules: rules.map((r, i) => (i === index ? rule : r)) });

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="segment-heading">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="segment-heading">
            Audience
          </Title>
          <Group gap="xs" aria-live="polite">
            <ReuseAudience campaignId={campaignId} onPick={onChange} onError={setError} />
            {counting && <Loader size="xs" aria-label="Counting" />}
            {count && (
              <Badge size="lg" variant="light" data-testid="segment-count">
                {count.recipients.toLocaleString()} recipient{count.recipients === 1 ? '' : 's'}
              </Badge>
            )}
          </Group>
        </Group>
        {rules.length > 1 && (
          <SegmentedControl
            aria-label="How rules combine"
            w="fit-content"
            data={[
              { value: 'all', label: 'Match all rules' },
              { value: 'any', label: 'Match any rule' },
            ]}
            value={value.match ?? 'all'}
            onChange={(match) => onChange({ ...value, match: match as 'all' | 'any' })}
          />
        )}
        {rules.length === 0 && <Text size="sm" c="dimmed">Everyone you can see, minus the people who must never be emailed. Add rules to narrow it.</Text>}
        {rules.map((rule, index) => (
          <Group key={index} gap="xs" align="center" wrap="nowrap">
            <Select
              aria-label={`Rule ${index + 1}`}
              data={RULE_KINDS}
              value={rule.kind}
              allowDeselect={false}
              onChange={(kind) => kind && setRule(index, newRule(kind as SegmentRuleKind))}
              w={170}
            />
            <RuleFields rule={rule} onChange={(next) => setRule(index, next)} />
            <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${index + 1}`} onClick={() => onChange({ ...value, rules: rules.filter((_, i) => i !== index) })}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button variant="light" leftSection={<IconPlus size={16} />} w="fit-content" onClick={() => onChange({ ...value, rules: [...rules, newRule('stage')] })} disabled={rules.length >= 30}>
          Add rule
        </Button>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {count && (
          <Stack gap={4}>
            <Text size="sm">
              {count.matching.toLocaleString()} contact{count.matching === 1 ? '' : 's'} match
              {count.excluded.length > 0 ? '; left out because they ' : '.'}
              {count.excluded.map((e, i) => `${i > 0 ? ', ' : ''}${e.label} (${e.count})`).join('')}
              {count.excluded.length > 0 ? '.' : ''}
            </Text>
            {count.sample.length > 0 && (
              <List size="sm" c="dimmed" aria-label="Sample of recipients">
                {count.sample.map((person) => (
                  <List.Item key={person.id}>
                    {person.name} — {person.email}
                  </List.Item>
                ))}
              </List>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
