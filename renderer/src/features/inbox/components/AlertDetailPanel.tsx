import { Alert, Anchor, Badge, Button, Card, Group, List, Menu, Paper, Select, Skeleton, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconClock, IconMail, IconPhone, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { routeHref } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useAlertActions } from '../hooks/useAlertActions.tsx';
import { useAlertDetail } from '../hooks/useAlertDetail.ts';
import { formatDate, formatDateTime, formatMoney, OUTCOME_OPTIONS, percent, priorityColor, priorityTextColor, snoozeChoices, statusLabel, typeLabel } from '../utils/alertLabels.ts';
import type { AlertAssignee, AlertDetail, AlertOutcome } from '../utils/inboxTypes.ts';
import { toast } from '../utils/toast.ts';

export type AlertDetailPanelProps = {
  id: string;
  /** Managers' assign choices (empty for agents). */
  assignees: AlertAssignee[];
};

/** Filled buttons one shade darker than the theme's primary (indigo 6 is 4.3:1 on white; 7 passes AA). */
const ACTION_COLOR = 'indigo.7';

const STAGE_LABELS: Record<string, string> = { lead: 'Lead', prospect: 'Prospect', active: 'Active client', past_client: 'Past client', sphere: 'Sphere', archived: 'Archived' };

function OutcomeForm({ detail, onLogged }: { detail: AlertDetail; onLogged: (next: AlertDetail) => void }) {
  const api = useApi();
  const [outcome, setOutcome] = useState<AlertOutcome | null>(null);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!outcome) {
      setError('Choose what happened.');
      return;
    }
    setSaving(true);
    try {
      const next = await api.logAlertOutcome({ id: detail.alert.id, outcome, note });
      onLogged(next);
      setOutcome(null);
      setNote('');
      setError(null);
      toast({ message: `Outcome logged: ${OUTCOME_OPTIONS.find((option) => option.value === outcome)?.label ?? outcome}.` });
    } catch (cause) {
      setError(errorMessage(cause));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card withBorder component="section" aria-labelledby="log-outcome-title">
      <Title order={3} size="h5" id="log-outcome-title" mb="xs">
        Log an outcome
      </Title>
      <Stack gap="xs">
        <Select label="What happened" placeholder="Choose an outcome" data={OUTCOME_OPTIONS} value={outcome} onChange={(value) => setOutcome(value as AlertOutcome | null)} error={error} allowDeselect={false} />
        <Textarea label="Note (optional)" autosize minRows={2} maxLength={5000} value={note} onChange={(event) => setNote(event.currentTarget.value)} />
        <Group justify="flex-end">
          <Button color={ACTION_COLOR} onClick={submit} loading={saving}>
            Log outcome
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** One alert: why, who, which home, what happened so far, what to do next, and the actions on it. */
export function AlertDetailPanel({ id, assignees }: AlertDetailPanelProps) {
  const { result, setDetail } = useAlertDetail(id);
  const actions = useAlertActions();

  if (result.state === 'loading') {
    return (
      <Paper withBorder p="md" aria-busy="true" aria-label="Loading the alert">
        <Skeleton height={28} mb="md" />
        <Skeleton height={120} mb="md" />
        <Skeleton height={200} />
      </Paper>
    );
  }
  if (result.state === 'failed') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Cannot open this alert" role="alert" data-testid="alert-open-error">
        {result.error.message}
      </Alert>
    );
  }

  const { detail } = result;
  const { alert, contact, property } = detail;
  const ids = [alert.id];
  const canEdit = detail.permissions.canEdit;
  const closed = ['converted', 'dismissed'].includes(alert.status);

  return (
    <Stack gap="md" data-testid="alert-detail">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <Badge color={priorityColor(alert.priority)} c={priorityTextColor(alert.priority)} variant="filled">
                {alert.priority}
              </Badge>
              <Badge variant="outline" color="gray.7">
                {typeLabel(alert.type)} · {percent(alert.probability)} likely
              </Badge>
              <Badge variant="light" color="gray" data-testid="alert-status">
                {statusLabel(alert.status)}
              </Badge>
            </Group>
            <Title order={2} size="h3" mt="xs">
              {contact.name}
            </Title>
            <Text size="sm" c="dimmed">
              Created {formatDateTime(alert.createdAt)}
              {alert.assignedAgentName ? ` · assigned to ${alert.assignedAgentName}` : ' · unassigned'}
              {alert.responseMinutes !== null ? ` · first contact after ${alert.responseMinutes < 120 ? `${alert.responseMinutes} min` : `${Math.round(alert.responseMinutes / 60)} h`}` : ''}
              {alert.snoozedUntil ? ` · snoozed until ${formatDateTime(alert.snoozedUntil)}` : ''}
            </Text>
          </div>
          {canEdit ? (
            <Group gap="xs">
              {!closed && alert.status !== 'contacted' && (
                <Button color={ACTION_COLOR} leftSection={<IconCheck size={16} />} onClick={() => void actions.change(ids, 'contacted')} aria-keyshortcuts="e">
                  Mark contacted
                </Button>
              )}
              {alert.status === 'contacted' && (
                <Button variant="default" onClick={() => void actions.change(ids, 'converted')}>
                  Mark converted
                </Button>
              )}
              {!closed && (
                <Menu position="bottom-end">
                  <Menu.Target>
                    <Button variant="default" leftSection={<IconClock size={16} />}>
                      Snooze
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {snoozeChoices().map((choice) => (
                      <Menu.Item key={choice.label} onClick={() => void actions.change(ids, 'snoozed', choice.until)}>
                        {choice.label}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
              )}
              {!closed && (
                <Button variant="default" color="red" leftSection={<IconX size={16} />} onClick={() => void actions.change(ids, 'dismissed')} aria-keyshortcuts="d">
                  Dismiss
                </Button>
              )}
              {(closed || alert.status === 'snoozed') && (
                <Button variant="default" onClick={() => void actions.change(ids, 'reopen')}>
                  Reopen
                </Button>
              )}
            </Group>
          ) : (
            <Text size="sm" c="dimmed" maw={240}>
              Assigned to {alert.assignedAgentName ?? 'another agent'}: only they or a manager can act on it.
            </Text>
          )}
        </Group>
        {detail.permissions.canAssign && assignees.length > 0 && (
          <Select
            mt="sm"
            maw={320}
            label="Assigned to"
            data={[{ value: '', label: 'Unassigned' }, ...assignees.map((person) => ({ value: person.id, label: `${person.name} (${person.role})` }))]}
            value={alert.assignedAgentId ?? ''}
            allowDeselect={false}
            onChange={(value) => {
              const agentId = value ? value : null;
              const name = assignees.find((person) => person.id === agentId)?.name ?? 'nobody';
              void actions.assign(ids, agentId, name);
            }}
          />
        )}
      </Paper>

      <Card withBorder component="section" aria-labelledby="alert-why-title">
        <Title order={3} size="h5" id="alert-why-title" mb="xs">
          Why this alert
        </Title>
        {alert.reasons.length > 0 ? (
          <List spacing={4} data-testid="alert-reasons">
            {alert.reasons.map((reason, i) => (
              <List.Item key={reason.key ?? i}>{reason.text}</List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm" c="dimmed">
            The scoring run stored no reasons for this alert.
          </Text>
        )}
        {detail.signals.length > 0 && (
          <>
            <Text size="sm" fw={600} mt="md" mb={4}>
              Recent signals
            </Text>
            <Timeline bulletSize={12} lineWidth={2}>
              {detail.signals.slice(0, 10).map((signal) => (
                <Timeline.Item key={signal.id} color={signal.matched ? 'orange' : 'gray'} title={<Text size="sm" fw={signal.matched ? 600 : 400}>{signal.text}</Text>}>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(signal.at)}
                    {signal.matched ? ' · behind this score' : ''}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          </>
        )}
      </Card>

      <Group grow align="stretch">
        <Card withBorder component="section" aria-labelledby="alert-contact-title">
          <Title order={3} size="h5" id="alert-contact-title" mb="xs">
            Contact
          </Title>
          <Text fw={600}>{contact.name}</Text>
          <Text size="sm" c="dimmed">
            {STAGE_LABELS[contact.stage] ?? contact.stage}
            {contact.zipcode ? ` · ${contact.zipcode}` : ''}
          </Text>
          {contact.tags.length > 0 && (
            <Group gap={4} mt={6}>
              {contact.tags.map((tag) => (
                <Badge key={tag} size="sm" variant="outline" color="gray.7">
                  {tag}
                </Badge>
              ))}
            </Group>
          )}
          <Stack gap={4} mt="sm">
            {contact.phone ? (
              <Anchor c="indigo.8" href={`tel:${contact.phone.replace(/[^\d+]/g, '')}`} size="sm">
                <IconPhone size={14} /> Call {contact.phone}
              </Anchor>
            ) : (
              <Text size="sm" c="dimmed">
                No phone number on record
              </Text>
            )}
            {contact.email ? (
              <Anchor c="indigo.8" href={`mailto:${contact.email}`} size="sm">
                <IconMail size={14} /> Email {contact.email}
              </Anchor>
            ) : (
              <Text size="sm" c="dimmed">
                No email address on record
              </Text>
            )}
          </Stack>
        </Card>
        <Card withBorder component="section" aria-labelledby="alert-property-title">
          <Title order={3} size="h5" id="alert-property-title" mb="xs">
            Home
          </Title>
          {property ? (
            <>
              <Anchor c="indigo.8" href={routeHref('properties', property.id)} fw={600}>
                {property.address || 'Address unknown'}
              </Anchor>
              <Text size="sm" c="dimmed">
                {[
                  property.bedrooms !== null ? `${property.bedrooms} bd` : null,
                  property.bathrooms !== null ? `${property.bathrooms} ba` : null,
                  property.sqftLiving !== null ? `${property.sqftLiving.toLocaleString('en-US')} sq ft` : null,
                  property.yrBuilt !== null ? `built ${property.yrBuilt}` : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Text>
              <Text size="xl" fw={700} mt="xs" data-testid="alert-property-estimate">
                {formatMoney(property.estimate)}
              </Text>
              <Text size="xs" c="dimmed">
                {property.estimate !== null
                  ? `${formatMoney(property.estimateLow)} – ${formatMoney(property.estimateHigh)}${property.estimateConfidence !== null ? ` · confidence ${property.estimateConfidence}` : ''}${property.estimatedAt ? ` · ${formatDate(property.estimatedAt)}` : ''}`
                  : 'Not valued yet'}
              </Text>
              {property.purchasePrice !== null && (
                <Text size="xs" c="dimmed">
                  Bought {property.purchaseDate ? formatDate(property.purchaseDate) : ''} for {formatMoney(property.purchasePrice)}
                </Text>
              )}
            </>
          ) : (
            <Text size="sm" c="dimmed">
              No home is linked to this alert.
            </Text>
          )}
        </Card>
      </Group>

      <Card withBorder component="section" aria-labelledby="alert-next-title">
        <Title order={3} size="h5" id="alert-next-title" mb="xs">
          Suggested next steps
        </Title>
        <List spacing={6}>
          {detail.nextActions.map((action) => (
            <List.Item key={action.id}>
              <Text size="sm" fw={600} span>
                {action.label}
              </Text>
              <Text size="sm" c="dimmed" span>
                {' '}
                — {action.description}
              </Text>
            </List.Item>
          ))}
        </List>
      </Card>

      {canEdit && <OutcomeForm detail={detail} onLogged={setDetail} />}

      <Card withBorder component="section" aria-labelledby="alert-history-title">
        <Title order={3} size="h5" id="alert-history-title" mb="xs">
          History with {contact.name}
        </Title>
        {detail.timeline.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing recorded yet: calls, notes, outcomes and the contact’s activity appear here.
          </Text>
        ) : (
          <Timeline bulletSize={12} lineWidth={2} data-testid="alert-history">
            {detail.timeline.slice(0, 40).map((entry) => (
              <Timeline.Item key={entry.id} color={entry.kind === 'outcome' ? 'teal' : entry.kind === 'event' ? 'gray' : 'blue'} title={<Text size="sm">{entry.title}</Text>}>
                {entry.detail && (
                  <Text size="sm" c="dimmed">
                    {entry.detail}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {formatDateTime(entry.at)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Card>
    </Stack>
  );
}
