// Brokerages and users: create, edit (name, role, territories), deactivate/reactivate, invitation and
// password-reset links shown once.
import { Badge, Button, Group, Modal, Paper, SegmentedControl, Select, Stack, Switch, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, query } from '../api.ts';
import { BrokerageSelect, ConfirmButton, EmptyState, ErrorNotice, Loading, formatDateTime, notifyDone, notifyError, OneTimeSecret, PageHeader } from '../components/ui.tsx';
import { useResource } from '../components/useResource.ts';
import type { Brokerage, Role, SessionInfo, UserRow } from '../types.ts';

const ZIP = /^\d{5}$/;

export function PeoplePage({ session }: { session: SessionInfo }) {
  const admin = session.user.role === 'admin';
  const [link, setLink] = useState<{ title: string; url: string } | null>(null);
  const [brokerageId, setBrokerageId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('active');
  const brokerages = useResource((signal) => api<{ brokerages: Brokerage[] }>('GET', '/brokerages', { signal }), 'brokerages');
  const key = `${brokerageId}|${search}|${status}`;
  const people = useResource((signal) => api<{ users: UserRow[] }>('GET', `/users${query({ brokerageId, q: search, status })}`, { signal }), key);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);

  const linkFor = async (user: UserRow, kind: 'invite' | 'reset-password') => {
    try {
      const result = await api<{ url: string }>('POST', `/users/${user.id}/${kind}`);
      setLink({ title: kind === 'invite' ? `Invitation link for ${user.email}` : `Password reset link for ${user.email}`, url: result.url });
      people.reload();
    } catch (error) {
      notifyError(error);
    }
  };

  return (
    <>
      <PageHeader
        title="Brokerages & users"
        description={admin ? 'Every brokerage and its people; platform administrators.' : `The people of ${session.user.brokerageName ?? 'your brokerage'}.`}
        actions={<Button onClick={() => setCreating(true)}>Add user</Button>}
      />
      {admin && <BrokeragesPanel brokerages={brokerages.data?.brokerages ?? []} error={brokerages.error} reload={brokerages.reload} />}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Users
        </Title>
        <Group mb="md" align="flex-end" wrap="wrap">
          <BrokerageSelect admin={admin} allowAll value={brokerageId} onChange={setBrokerageId} />
          <TextInput label="Search" placeholder="Name or email" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={240} />
          <div>
            <Text size="sm" fw={500} mb={4} id="user-status-label">
              Status
            </Text>
            <SegmentedControl
              aria-labelledby="user-status-label"
              value={status}
              onChange={setStatus}
              data={[
                { value: 'active', label: 'Active' },
                { value: 'deactivated', label: 'Deactivated' },
                { value: 'all', label: 'All' },
              ]}
            />
          </div>
        </Group>
        <ErrorNotice error={people.error} onRetry={people.reload} />
        <Loading what="users" show={people.loading && !people.data} />
        {people.data && people.data.users.length === 0 ? (
          <EmptyState>No users match. Add one with “Add user”.</EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  {admin && <Table.Th>Brokerage</Table.Th>}
                  <Table.Th>Territories</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(people.data?.users ?? []).map((user) => (
                  <Table.Tr key={user.id} data-testid="user-row">
                    <Table.Td>{user.name}</Table.Td>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>{user.role}</Table.Td>
                    {admin && <Table.Td>{user.brokerageName ?? 'Platform'}</Table.Td>}
                    <Table.Td>{user.territories.length > 0 ? user.territories.join(', ') : <Text c="dimmed" size="sm">none</Text>}</Table.Td>
                    <Table.Td>
                      {user.deactivatedAt ? (
                        <Badge color="gray">Deactivated</Badge>
                      ) : !user.hasPassword ? (
                        <Badge color="yellow">{user.invitePending ? 'Invited' : 'No password'}</Badge>
                      ) : (
                        <Badge color="green">Active</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(user.lastSeenAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Button size="xs" variant="light" onClick={() => setEditing(user)} aria-label={`Edit ${user.email}`}>
                          Edit
                        </Button>
                        {!user.deactivatedAt &&
                          (user.hasPassword ? (
                            <Button size="xs" variant="light" onClick={() => void linkFor(user, 'reset-password')} aria-label={`Reset password of ${user.email}`}>
                              Reset password
                            </Button>
                          ) : (
                            <Button size="xs" variant="light" onClick={() => void linkFor(user, 'invite')} aria-label={`New invitation link for ${user.email}`}>
                              New invite link
                            </Button>
                          ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {creating && (
        <CreateUserModal
          session={session}
          brokerages={brokerages.data?.brokerages ?? []}
          onClose={() => setCreating(false)}
          onCreated={(email, url) => {
            setCreating(false);
            setLink({ title: `Invitation link for ${email}`, url });
            people.reload();
          }}
        />
      )}
      {editing && (
        <EditUserModal
          user={editing}
          session={session}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            people.reload();
          }}
        />
      )}
      <OneTimeSecret
        title={link?.title ?? ''}
        value={link?.url ?? null}
        explanation="Send this link to the person (it works once, for 7 days; a newer link replaces it). It is not shown again."
        onClose={() => setLink(null)}
      />
    </>
  );
}

function BrokeragesPanel({ brokerages, error, reload }: { brokerages: Brokerage[]; error: Error | null; reload: () => void }) {
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<Brokerage | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('POST', '/brokerages', { body: { name } });
      notifyDone(`Brokerage ${name} created.`);
      setName('');
      reload();
    } catch (failure) {
      notifyError(failure);
    }
  };
  return (
    <Paper withBorder p="md" mb="lg">
      <Title order={2} size="h4" mb="sm">
        Brokerages
      </Title>
      <ErrorNotice error={error} onRetry={reload} />
      <Table aria-label="Brokerages" mb="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Active users</Table.Th>
            <Table.Th>Two-factor</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {brokerages.map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>{b.name}</Table.Td>
              <Table.Td>{b.users}</Table.Td>
              <Table.Td>{b.requireTotp ? 'Required' : 'Optional'}</Table.Td>
              <Table.Td>{b.deactivatedAt ? <Badge color="gray">Deactivated</Badge> : <Badge color="green">Active</Badge>}</Table.Td>
              <Table.Td>
                <Group gap={6}>
                  <Button size="xs" variant="light" onClick={() => setEditing(b)} aria-label={`Edit brokerage ${b.name}`}>
                    Edit
                  </Button>
                  {b.deactivatedAt ? (
                    <Button size="xs" variant="light" onClick={() => void api('PATCH', `/brokerages/${b.id}`, { body: { deactivated: false } }).then(reload, notifyError)}>
                      Reactivate
                    </Button>
                  ) : (
                    <ConfirmButton
                      label="Deactivate"
                      ariaLabel={`Deactivate brokerage ${b.name}`}
                      title={`Deactivate ${b.name}?`}
                      message="Everyone in this brokerage is signed out at their next request and cannot sign in until it is reactivated. Its data is kept."
                      confirmLabel="Deactivate brokerage"
                      onConfirm={async () => {
                        await api('PATCH', `/brokerages/${b.id}`, { body: { deactivated: true } });
                        reload();
                      }}
                    />
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={(event) => void create(event)}>
        <Group align="flex-end">
          <TextInput label="New brokerage name" value={name} onChange={(e) => setName(e.currentTarget.value)} required w={280} />
          <Button type="submit" variant="light">
            Create brokerage
          </Button>
        </Group>
      </form>
      {editing && <EditBrokerageModal brokerage={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); reload(); }} />}
    </Paper>
  );
}

function EditBrokerageModal({ brokerage, onClose, onSaved }: { brokerage: Brokerage; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(brokerage.name);
  const [postalAddress, setPostalAddress] = useState(brokerage.postalAddress);
  const [requireTotp, setRequireTotp] = useState(brokerage.requireTotp);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('PATCH', `/brokerages/${brokerage.id}`, { body: { name, postalAddress, requireTotp } });
      onSaved();
    } catch (failure) {
      notifyError(failure);
    }
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened onClose={onClose} title={`Edit ${brokerage.name}`} centered>
      <form onSubmit={(event) => void save(event)}>
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <TextInput label="Postal address" value={postalAddress} onChange={(e) => setPostalAddress(e.currentTarget.value)} />
          <Switch label="Require two-factor sign-in for everyone in this brokerage" checked={requireTotp} onChange={(e) => setRequireTotp(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Save</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function roleOptions(admin: boolean) {
  return [
    { value: 'agent', label: 'Agent' },
    { value: 'manager', label: 'Manager' },
    ...(admin ? [{ value: 'admin', label: 'Platform administrator' }] : []),
  ];
}

function TerritoriesInput({ value, onChange }: { value: string[]; onChange: (value: string[]) => void }) {
  const invalid = value.filter((zip) => !ZIP.test(zip));
  return (
    <TagsInput
      label="Territories (zip codes)"
      description="Alerts for contacts in these zip codes are routed to this person. Type a zip code and press Enter."
      value={value}
      onChange={(next) => onChange(next.map((zip) => zip.trim()))}
      splitChars={[',', ' ']}
      clearable
      error={invalid.length > 0 ? `Not 5-digit zip codes: ${invalid.join(', ')}` : undefined}
    />
  );
}

function CreateUserModal({ session, brokerages, onClose, onCreated }: { session: SessionInfo; brokerages: Brokerage[]; onClose: () => void; onCreated: (email: string, url: string) => void }) {
  const admin = session.user.role === 'admin';
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [brokerageId, setBrokerageId] = useState<string | null>(admin ? null : session.user.brokerageId);
  const [territories, setTerritories] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const created = await api<{ inviteUrl: string }>('POST', '/users', { body: { email, name, role, territories, ...(role === 'admin' ? {} : { brokerageId }) } });
      onCreated(email, created.inviteUrl);
    } catch (failure) {
      notifyError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened onClose={onClose} title="Add user" centered size="lg">
      <form onSubmit={(event) => void submit(event)}>
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
          <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
          <Select label="Role" data={roleOptions(admin)} value={role} onChange={(value) => setRole((value as Role) ?? 'agent')} allowDeselect={false} />
          {admin && role !== 'admin' && (
            <Select
              label="Brokerage"
              data={brokerages.filter((b) => !b.deactivatedAt).map((b) => ({ value: b.id, label: b.name }))}
              value={brokerageId}
              onChange={setBrokerageId}
              required
              searchable
            />
          )}
          {role !== 'admin' && <TerritoriesInput value={territories} onChange={setTerritories} />}
          <Text size="xs" c="dimmed">
            The person gets no password from you: you receive a one-time link for them to choose one.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create and get invitation link
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditUserModal({ user, session, onClose, onSaved }: { user: UserRow; session: SessionInfo; onClose: () => void; onSaved: () => void }) {
  const admin = session.user.role === 'admin';
  const self = user.id === session.user.id;
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [territories, setTerritories] = useState<string[]>(user.territories);
  const [busy, setBusy] = useState(false);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api('PATCH', `/users/${user.id}`, { body: { name, territories, ...(role !== user.role ? { role } : {}) } });
      notifyDone(`${user.email} saved.`);
      onSaved();
    } catch (failure) {
      notifyError(failure);
    } finally {
      setBusy(false);
    }
  };
  const setDeactivated = async (deactivated: boolean) => {
    await api('PATCH', `/users/${user.id}`, { body: { deactivated } });
    notifyDone(deactivated ? `${user.email} deactivated and signed out.` : `${user.email} reactivated.`);
    onSaved();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened onClose={onClose} title={`Edit ${user.email}`} centered size="lg">
      <form onSubmit={(event) => void save(event)}>
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          {user.role !== 'admin' && (
            <Select label="Role" data={roleOptions(false)} value={role} onChange={(value) => setRole((value as Role) ?? user.role)} allowDeselect={false} disabled={self} />
          )}
          {user.role !== 'admin' && <TerritoriesInput value={territories} onChange={setTerritories} />}
          <Group justify="space-between">
            {self ? (
              <span />
            ) : user.deactivatedAt ? (
              <Button variant="light" onClick={() => void setDeactivated(false).catch(notifyError)}>
                Reactivate
              </Button>
            ) : (
              <ConfirmButton
                size="sm"
                label="Deactivate"
                title={`Deactivate ${user.email}?`}
                message="They are signed out of every computer at once and cannot sign in until reactivated. Their records stay."
                confirmLabel="Deactivate user"
                onConfirm={() => setDeactivated(true)}
              />
            )}
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Save
              </Button>
            </Group>
          </Group>
          {!admin && user.role === 'admin' && <Text size="sm">Only platform administrators can change administrators.</Text>}
        </Stack>
      </form>
    </Modal>
  );
}
