import { Button, Group, MultiSelect, Paper, TextInput } from '@mantine/core';
import { PRIORITIES, STATUS_LABELS, STATUSES, TYPE_LABELS, TYPES } from '../utils/alertLabels.ts';
import type { InboxFilters } from '../utils/inboxTypes.ts';

export type InboxFilterBarProps = {
  /** The filters added on top of the chosen view (each replaces the view's own value for that field). */
  value: InboxFilters;
  onChange: (next: InboxFilters) => void;
  onSaveView: () => void;
};

const set = <K extends keyof InboxFilters>(filters: InboxFilters, key: K, value: InboxFilters[K] | undefined): InboxFilters => {
  const next = { ...filters };
  if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') delete next[key];
  else next[key] = value;
  return next;
};

/** Narrowing the current view by type, priority, status, contact tag and creation dates. */
export function InboxFilterBar({ value, onChange, onSaveView }: InboxFilterBarProps) {
  return (
    <Paper withBorder p="sm" component="section" aria-label="Filters">
      <Group gap="sm" align="flex-end">
        <MultiSelect
          label="Type"
          placeholder="Any type"
          data={TYPES.map((type) => ({ value: type, label: TYPE_LABELS[type]! }))}
          value={value.types ?? []}
          onChange={(types) => onChange(set(value, 'types', types as InboxFilters['types']))}
          w={180}
          clearable
        />
        <MultiSelect
          label="Priority"
          placeholder="Any priority"
          data={[...PRIORITIES]}
          value={value.priorities ?? []}
          onChange={(priorities) => onChange(set(value, 'priorities', priorities as InboxFilters['priorities']))}
          w={180}
          clearable
        />
        <MultiSelect
          label="Status"
          placeholder="View’s statuses"
          data={STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status]! }))}
          value={value.statuses ?? []}
          onChange={(statuses) => onChange(set(value, 'statuses', statuses as InboxFilters['statuses']))}
          w={200}
          clearable
        />
        <TextInput label="Contact tag" placeholder="e.g. vip" value={value.tag ?? ''} onChange={(event) => onChange(set(value, 'tag', event.currentTarget.value.trim()))} w={130} />
        <TextInput label="Created from" type="date" value={value.createdFrom ?? ''} onChange={(event) => onChange(set(value, 'createdFrom', event.currentTarget.value))} w={150} />
        <TextInput label="Created to" type="date" value={value.createdTo ?? ''} onChange={(event) => onChange(set(value, 'createdTo', event.currentTarget.value))} w={150} />
        <Button variant="default" onClick={() => onChange({})} disabled={Object.keys(value).length === 0}>
          Clear filters
        </Button>
        <Button variant="default" onClick={onSaveView}>
          Save as view…
        </Button>
      </Group>
    </Paper>
  );
}
