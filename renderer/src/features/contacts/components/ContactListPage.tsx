import { Alert, Badge, Box, Button, Group, Menu, NativeSelect, Paper, Select, Skeleton, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAddressBook, IconAlertCircle, IconChevronDown, IconCopy, IconDownload, IconFileImport, IconPlus, IconSearch } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { navigateTo, routeHref } from '../../../app/navigation/route.ts';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { PageEmptyState } from '../../../shared/ui/PageEmptyState.tsx';
import { SyncCatchUpNote } from '../../sync-status/components/SyncCatchUpNote.tsx';
import { PageLayout } from '../../../shared/ui/PageLayout.tsx';
import { useSessionState } from '../../session/states/sessionState.ts';
import { useContactList, type ContactQuery, type ContactRowData } from '../hooks/useContactList.ts';
import { useOwners } from '../hooks/useOwners.ts';
import { downloadTextFile } from '../utils/downloadFile.ts';
import { formatScore, STAGE_COLORS, STAGE_LABELS, STAGE_OPTIONS } from '../utils/format.ts';
import classes from './ContactList.module.css';
import { ContactFormModal } from './ContactFormModal.tsx';
import { DuplicatesModal } from './DuplicatesModal.tsx';
import { ImportModal } from './ImportModal.tsx';

const ROW_HEIGHT = 56;
type Sort = NonNullable<ContactQuery['sort']>;
const SORTS: { value: string; label: string }[] = [
  { value: 'name:asc', label: 'Name (A–Z)' },
  { value: 'score:desc', label: 'Highest score' },
  { value: 'updated:desc', label: 'Recently updated' },
  { value: 'created:desc', label: 'Newest' },
  { value: 'stage:asc', label: 'Stage' },
  { value: 'zip:asc', label: 'Zip code' },
];
const SCORES = [
  { value: '', label: 'Any score' },
  { value: '0.5', label: 'Score ≥ 50%' },
  { value: '0.7', label: 'Score ≥ 70%' },
  { value: '0.9', label: 'Score ≥ 90%' },
];

function ContactRow({ contact }: { contact: ContactRowData }) {
  return (
    <a className={classes.row} href={routeHref('contacts', contact.id)} data-testid="contact-row">
      <Box miw={0}>
        <Text fw={600} truncate>
          {contact.name}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {[contact.email, contact.phone].filter(Boolean).join(' · ') || 'No email or phone'}
        </Text>
      </Box>
      <Box miw={0}>
        <Text size="sm" truncate>
          {contact.ownerName ?? 'Unassigned'}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {[contact.zipcode, contact.tags.join(', ')].filter(Boolean).join(' · ')}
        </Text>
      </Box>
      <Badge color={STAGE_COLORS[contact.stage] ?? 'gray'} variant="light">
        {STAGE_LABELS[contact.stage] ?? contact.stage}
      </Badge>
      <Text size="sm" ta="right" title="Best open alert probability">
        {formatScore(contact.score)}
      </Text>
      <span />
    </a>
  );
}

/** Every contact in reach: searchable, filterable and sortable, in a virtualised list. */
export function ContactListPage() {
  const api = useApi();
  const role = useSessionState((state) => state.session?.user.role);
  const owners = useOwners();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 200);
  const [stage, setStage] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [owner, setOwner] = useState<string | null>(null);
  const [zip, setZip] = useState('');
  const [minScore, setMinScore] = useState('');
  const [sort, setSort] = useState('name:asc');
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deduping, setDeduping] = useState(false);

  const query = useMemo((): ContactQuery => {
    const [field, direction] = sort.split(':') as [Sort, 'asc' | 'desc'];
    return {
      sort: field,
      direction,
      ...(debouncedSearch ? { search: debouncedSearch } : {}),
      ...(stage ? { stages: [stage as never] } : {}),
      ...(tag ? { tag } : {}),
      ...(owner ? { owner } : {}),
      ...(/^\d{3,5}$/.test(zip) ? { zipcode: zip } : {}),
      ...(minScore ? { minScore: Number(minScore) } : {}),
    };
  }, [debouncedSearch, stage, tag, owner, zip, minScore, sort]);
  const list = useContactList(query);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: list.total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  const { ensureRows } = list;
  useEffect(() => ensureRows(first, last), [ensureRows, first, last, list.total]);
  const filtered = Object.keys(query).some((key) => !['sort', 'direction'].includes(key));

  const exportCsv = async (kind: 'contacts' | 'alerts' | 'activities') => {
    try {
      const file = await api.exportCsv({ kind });
      downloadTextFile(file.fileName, file.csv);
      notifications.show({ color: 'green', message: `Exported ${file.rows} ${kind} to ${file.fileName}.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Export failed', message: errorMessage(error) });
    }
  };

  const actions = (
    <Group gap="xs" wrap="nowrap">
      <Button variant="default" leftSection={<IconCopy size={16} />} onClick={() => setDeduping(true)}>
        Duplicates
      </Button>
      <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => setImporting(true)}>
        Import
      </Button>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default" leftSection={<IconDownload size={16} />} rightSection={<IconChevronDown size={14} />}>
            Export
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => void exportCsv('contacts')}>Contacts (CSV)</Menu.Item>
          <Menu.Item onClick={() => void exportCsv('alerts')}>Alerts (CSV)</Menu.Item>
          <Menu.Item onClick={() => void exportCsv('activities')}>Activities (CSV)</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
        New contact
      </Button>
    </Group>
  );

  const filters = (
    <Group gap="sm" align="flex-end">
      <TextInput
        aria-label="Search contacts"
        placeholder="Name, email, phone, address, note…"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        w={260}
      />
      <Select aria-label="Stage" placeholder="Any stage" data={STAGE_OPTIONS} value={stage} onChange={setStage} clearable w={140} />
      <Select aria-label="Tag" placeholder="Any tag" data={list.tags} value={tag} onChange={setTag} clearable searchable w={150} />
      <Select
        aria-label="Owner"
        placeholder="Any owner"
        data={[{ value: 'me', label: 'Mine' }, { value: 'unassigned', label: 'Unassigned' }, ...owners.map((o) => ({ value: o.id, label: o.name }))]}
        value={owner}
        onChange={setOwner}
        clearable
        w={160}
      />
      <TextInput aria-label="Zip code" placeholder="Zip" value={zip} onChange={(event) => setZip(event.currentTarget.value.replace(/\D/g, '').slice(0, 5))} w={80} />
      <NativeSelect aria-label="Score" data={SCORES} value={minScore} onChange={(event) => setMinScore(event.currentTarget.value)} />
      <NativeSelect aria-label="Sort by" data={SORTS} value={sort} onChange={(event) => setSort(event.currentTarget.value)} />
    </Group>
  );

  let body;
  if (list.error && list.total === null) {
    body = (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Could not load the contacts">
        <Group justify="space-between">
          <Text size="sm">{list.error}</Text>
          <Button size="xs" variant="default" onClick={list.refresh}>
            Try again
          </Button>
        </Group>
      </Alert>
    );
  } else if (list.total === null) {
    body = (
      <Paper withBorder aria-busy="true" aria-label="Loading contacts">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} height={ROW_HEIGHT - 12} m="xs" />
        ))}
      </Paper>
    );
  } else if (list.total === 0 && !filtered) {
    body = (
      <PageEmptyState
        icon={<IconAddressBook size={28} stroke={1.5} />}
        title="No contacts yet"
        description="Contacts from your brokerage appear here after they sync. Add one, or import a CSV from your old CRM or spreadsheet."
      >
        <SyncCatchUpNote />
      </PageEmptyState>
    );
  } else if (list.total === 0) {
    body = <Text c="dimmed">No contact matches these filters.</Text>;
  } else {
    body = (
      <Paper withBorder>
        <div ref={scrollRef} className={classes.scroller} role="list" aria-label={`${list.total} contacts`}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {rows.map((row) => {
              const contact = list.rowAt(row.index);
              return (
                <div key={row.key} role="listitem" className={classes.slot} style={{ height: row.size, transform: `translateY(${row.start}px)` }}>
                  {contact ? <ContactRow contact={contact} /> : <Skeleton height={ROW_HEIGHT - 16} m={8} />}
                </div>
              );
            })}
          </div>
        </div>
      </Paper>
    );
  }

  return (
    <PageLayout title="Contacts" description={list.total === null ? 'Your past clients, sphere and leads.' : `${list.total.toLocaleString()} ${list.total === 1 ? 'contact' : 'contacts'}`} actions={actions}>
      {filters}
      {body}
      <ContactFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(id) => {
          setCreating(false);
          navigateTo('contacts', id);
        }}
      />
      <ImportModal opened={importing} onClose={() => setImporting(false)} />
      <DuplicatesModal opened={deduping} onClose={() => setDeduping(false)} canAssign={role === 'manager' || role === 'admin'} />
    </PageLayout>
  );
}
