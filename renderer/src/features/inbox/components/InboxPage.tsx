import { ActionIcon, Alert, Badge, Button, Grid, Group, Kbd, Menu, Modal, Paper, Skeleton, Stack, Tabs, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, spotlight, type SpotlightActionData } from '@mantine/spotlight';
import { IconAdjustmentsHorizontal, IconAlertCircle, IconCommand, IconInbox, IconSearch, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { navigateTo, useRoute } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useNow } from '../../../shared/hooks/useNow.ts';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { SyncCatchUpNote } from '../../sync-status/components/SyncCatchUpNote.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { useSessionState } from '../../session/states/sessionState.ts';
import { useAlertActions } from '../hooks/useAlertActions.tsx';
import { useInboxKeyboard } from '../hooks/useInboxKeyboard.ts';
import { useInboxList } from '../hooks/useInboxList.ts';
import { useInboxViews } from '../hooks/useInboxViews.ts';
import { snoozeChoices } from '../utils/alertLabels.ts';
import type { AlertAction, AlertAssignee, InboxFilters } from '../utils/inboxTypes.ts';
import { AlertDetailPanel } from './AlertDetailPanel.tsx';
import { AlertList, type AlertListHandle } from './AlertList.tsx';
import { InboxFilterBar } from './InboxFilterBar.tsx';
import { toast } from '../utils/toast.ts';

const DEFAULT_VIEW_ID = 'builtin:open';
/** The built-in "Open alerts" filters, used until the views have loaded (same value: no second load). */
const OPEN_FILTERS: InboxFilters = { statuses: ['new', 'viewed', 'contacted'] };

function SaveViewModal({ opened, onClose, filters, onSaved }: { opened: boolean; onClose: () => void; filters: InboxFilters; onSaved: (id: string) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      const view = await api.saveInboxView({ name, filters });
      setName('');
      setError(null);
      onSaved(view.id);
      onClose();
    } catch (cause) {
      setError(errorMessage(cause));
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Save these filters as a view">
      <Stack>
        <TextInput label="View name" value={name} onChange={(event) => setName(event.currentTarget.value)} error={error} data-autofocus maxLength={60} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="indigo.7" onClick={save}>
            Save view
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * #/inbox lists the alerts of the chosen view; #/inbox/<id> also shows that alert beside the list.
 * Keyboard first: j/k move, Enter opens, x selects, e marks contacted, d dismisses, / searches, Ctrl+K
 * opens the command palette; every action has a button too.
 */
export function InboxPage() {
  const api = useApi();
  const { params } = useRoute();
  const openId = params[0] ?? null;
  const now = useNow();
  const { views, error: viewsError, reload: reloadViews } = useInboxViews();
  const [viewId, setViewId] = useState(DEFAULT_VIEW_ID);
  const [extra, setExtra] = useState<InboxFilters>({});
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [filtersShown, setFiltersShown] = useState(false);
  const [saveOpened, setSaveOpened] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [focusedIndex, setFocusedIndex] = useState(0);
  const [assignees, setAssignees] = useState<AlertAssignee[]>([]);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<AlertListHandle>(null);
  const actions = useAlertActions();

  const view = views?.find((candidate) => candidate.id === viewId) ?? null;
  const filters = useMemo<InboxFilters>(
    () => ({ ...(view?.filters ?? OPEN_FILTERS), ...extra, ...(debouncedSearch ? { search: debouncedSearch } : {}) }),
    [view, extra, debouncedSearch],
  );
  const list = useInboxList(filters);

  // Managers assign: load who can take alerts (agents see no assign controls).
  const role = useSessionState((state) => state.session?.user.role ?? null);
  useEffect(() => {
    if (role === null || role === 'agent') return;
    let current = true;
    api.listAlertAssignees().then(
      (people) => current && setAssignees(people),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api, role]);

  // Selection only keeps alerts still listed (after a filter change or a bulk dismiss).
  const listedIds = useMemo(() => new Set(list.rows.map((row) => row.id)), [list.rows]);
  const selectedListed = [...selected].filter((id) => listedIds.has(id));
  const [shownRows, setShownRows] = useState(list.rows);
  if (shownRows !== list.rows) {
    setShownRows(list.rows);
    // Focus stays on the same alert when the rows reorder (a rescore moves it to another priority), so
    // e/d never act on an alert that merely slid under the focused position.
    const focusedId = shownRows[focusedIndex]?.id;
    const moved = focusedId === undefined ? -1 : list.rows.findIndex((row) => row.id === focusedId);
    if (moved >= 0) setFocusedIndex(moved);
    else if (focusedIndex >= list.rows.length && list.rows.length > 0) setFocusedIndex(list.rows.length - 1);
  }

  const focused = list.rows[Math.min(focusedIndex, Math.max(0, list.rows.length - 1))];
  /** What e/d and the palette act on: the selection, else the focused row, else the open alert. */
  const targets = (): string[] => (selectedListed.length > 0 ? selectedListed : focused ? [focused.id] : openId ? [openId] : []);

  const act = async (action: AlertAction, snoozedUntil?: string) => {
    const ids = targets();
    if (ids.length === 0) {
      toast({ message: 'Select or focus an alert first (j/k to move, x to select).' });
      return;
    }
    if (await actions.change(ids, action, snoozedUntil)) setSelected(new Set());
  };

  const move = (delta: number) => {
    if (list.rows.length === 0) return;
    const next = Math.max(0, Math.min(list.rows.length - 1, focusedIndex + delta));
    setFocusedIndex(next);
    listRef.current?.focusRow(next);
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useInboxKeyboard({
    next: () => move(1),
    previous: () => move(-1),
    open: () => focused && navigateTo('inbox', focused.id),
    toggleSelected: () => focused && toggle(focused.id),
    contacted: () => void act('contacted'),
    dismiss: () => void act('dismissed'),
    focusSearch: () => searchRef.current?.focus(),
    escape: () => (selected.size > 0 ? setSelected(new Set()) : openId ? navigateTo('inbox') : undefined),
  });

  const deleteView = async (id: string) => {
    try {
      await api.deleteInboxView({ id });
      setViewId(DEFAULT_VIEW_ID);
      reloadViews();
    } catch (cause) {
      toast({ color: 'red', title: 'Could not delete the view', message: errorMessage(cause) });
    }
  };

  const paletteActions: SpotlightActionData[] = [
    { id: 'contacted', label: 'Mark contacted', description: 'The selected or focused alerts (e)', onClick: () => void act('contacted') },
    { id: 'dismiss', label: 'Dismiss', description: 'The selected or focused alerts (d)', onClick: () => void act('dismissed') },
    { id: 'converted', label: 'Mark converted', description: 'The selected or focused alerts', onClick: () => void act('converted') },
    ...snoozeChoices().map((choice) => ({ id: `snooze-${choice.label}`, label: `Snooze ${choice.label.toLowerCase()}`, onClick: () => void act('snoozed', choice.until) })),
    { id: 'select-all', label: 'Select all loaded alerts', onClick: () => setSelected(new Set(list.rows.map((row) => row.id))) },
    { id: 'clear-selection', label: 'Clear the selection', onClick: () => setSelected(new Set()) },
    { id: 'filters', label: filtersShown ? 'Hide filters' : 'Show filters', onClick: () => setFiltersShown((shown) => !shown) },
    { id: 'search', label: 'Search contacts, addresses and notes', description: '/', onClick: () => searchRef.current?.focus() },
    ...(views ?? []).map((candidate) => ({ id: `view-${candidate.id}`, label: `View: ${candidate.name}`, description: `${candidate.count} alerts`, onClick: () => setViewId(candidate.id) })),
    { id: 'notification-settings', label: 'Notification settings', onClick: () => navigateTo('settings') },
  ];

  const bulkBar = selectedListed.length > 0 && (
    <Paper withBorder p="xs" component="section" aria-label="Bulk actions" data-testid="bulk-bar">
      <Group justify="space-between">
        <Text size="sm" fw={600} aria-live="polite">
          {selectedListed.length} selected
        </Text>
        <Group gap="xs">
          <Button size="xs" color="indigo.7" onClick={() => void act('contacted')}>
            Mark contacted
          </Button>
          <Menu>
            <Menu.Target>
              <Button size="xs" variant="default">
                Snooze
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {snoozeChoices().map((choice) => (
                <Menu.Item key={choice.label} onClick={() => void act('snoozed', choice.until)}>
                  {choice.label}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          {assignees.length > 0 && (
            <Menu>
              <Menu.Target>
                <Button size="xs" variant="default">
                  Assign
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {assignees.map((person) => (
                  <Menu.Item key={person.id} onClick={() => void actions.assign(selectedListed, person.id, person.name).then((ok) => ok && setSelected(new Set()))}>
                    {person.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          )}
          <Button size="xs" variant="default" color="red" onClick={() => void act('dismissed')}>
            Dismiss
          </Button>
          <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </Group>
      </Group>
    </Paper>
  );

  let listBody;
  if (list.error && list.total === null) {
    listBody = (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load the alerts">
        <Group justify="space-between">
          <Text size="sm">{list.error}</Text>
          <Button size="xs" variant="default" onClick={list.reload}>
            Try again
          </Button>
        </Group>
      </Alert>
    );
  } else if (list.total === null) {
    listBody = (
      <Paper withBorder aria-busy="true" aria-label="Loading alerts">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} height={48} m="xs" />
        ))}
      </Paper>
    );
  } else if (list.total === 0) {
    const narrowed = Boolean(debouncedSearch) || Object.keys(extra).length > 0;
    listBody = narrowed ? (
      <PageEmptyState icon={<IconSearch size={28} stroke={1.5} />} title="No alert matches" description="Nothing in this view matches the search or filters. Clear them to see the whole view.">
        <Button
          variant="default"
          onClick={() => {
            setExtra({});
            setSearch('');
          }}
        >
          Clear search and filters
        </Button>
      </PageEmptyState>
    ) : (
      <PageEmptyState
        icon={<IconInbox size={28} stroke={1.5} />}
        title={viewId === DEFAULT_VIEW_ID ? 'No open alerts' : 'Nothing in this view'}
        description="When one of your contacts starts showing intent, an alert appears here with its priority, the signals behind it and what to do next."
      >
        <SyncCatchUpNote />
      </PageEmptyState>
    );
  } else {
    listBody = (
      <AlertList
        rows={list.rows}
        total={list.total}
        openId={openId}
        focusedIndex={focusedIndex}
        selected={selected}
        onToggleSelected={toggle}
        onFocusIndex={setFocusedIndex}
        ensureRows={list.ensureRows}
        handleRef={listRef}
        now={now}
      />
    );
  }

  return (
    <PageLayout
      title="Inbox"
      description={list.total === null ? 'Past clients and homeowners who look ready to sell, buy, refinance or invest.' : `${list.total} ${list.total === 1 ? 'alert' : 'alerts'} in ${view?.name ?? 'Open alerts'}, best first.`}
      actions={
        <Group gap="xs" wrap="nowrap">
          <TextInput
            ref={searchRef}
            aria-label="Search alerts"
            placeholder="Search names, addresses, notes ( / )"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            onKeyDown={(event) => event.key === 'Escape' && event.currentTarget.blur()}
            w={280}
          />
          <Tooltip label="Filters">
            <ActionIcon variant={filtersShown ? 'filled' : 'default'} size="lg" aria-label="Filters" aria-pressed={filtersShown} onClick={() => setFiltersShown((shown) => !shown)}>
              <IconAdjustmentsHorizontal size={18} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Commands (Ctrl+K)">
            <ActionIcon variant="default" size="lg" aria-label="Open the command palette" onClick={() => spotlight.open()}>
              <IconCommand size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
      }
    >
      <Spotlight actions={paletteActions} shortcut={['mod + K']} nothingFound="No matching command" highlightQuery searchProps={{ placeholder: 'Type a command…', 'aria-label': 'Command' }} />
      <SaveViewModal opened={saveOpened} onClose={() => setSaveOpened(false)} filters={{ ...(view?.filters ?? {}), ...extra }} onSaved={(id) => (setExtra({}), setViewId(id), reloadViews())} />
      {viewsError && (
        <Alert color="red" variant="light" title="Could not load the saved views">
          {viewsError}
        </Alert>
      )}
      <Tabs value={viewId} onChange={(value) => value && (setViewId(value), setSelected(new Set()), setFocusedIndex(0))}>
        <Tabs.List aria-label="Views">
          {(views ?? []).map((candidate) => (
            <Tabs.Tab key={candidate.id} value={candidate.id} rightSection={<Badge size="sm" variant="light" color="gray">{candidate.count}</Badge>}>
              {candidate.name}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {view && !view.builtIn && (
        <Group gap="xs">
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} />} onClick={() => void deleteView(view.id)}>
            Delete view “{view.name}”
          </Button>
        </Group>
      )}
      {filtersShown && <InboxFilterBar value={extra} onChange={setExtra} onSaveView={() => setSaveOpened(true)} />}
      {bulkBar}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: openId ? 5 : 12 }}>
          {listBody}
          <Text size="xs" c="dimmed" mt={6}>
            <Kbd>j</Kbd>/<Kbd>k</Kbd> move · <Kbd>Enter</Kbd> open · <Kbd>x</Kbd> select · <Kbd>e</Kbd> contacted · <Kbd>d</Kbd> dismiss · <Kbd>/</Kbd> search · <Kbd>Ctrl</Kbd>+<Kbd>K</Kbd> commands
          </Text>
        </Grid.Col>
        {openId !== null ? (
          <Grid.Col span={{ base: 12, md: 7 }}>
            <AlertDetailPanel key={openId} id={openId} assignees={assignees} />
          </Grid.Col>
        ) : null}
      </Grid>
    </PageLayout>
  );
}
