// Contacts, notes, tasks and activities on the local replica. Reads are plain SQL on SQLite; every write
// goes through the sync engine's mutate (optimistic, offline-capable, queued for the server), so this
// service never writes a table itself. Permissions mirror the server's (sync-server/sync/apply-mutations.ts):
// handing work to someone else is a manager's call, and an agent is told so before anything is queued.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../db/schema/vocabulary.ts';
import { AppError } from '../ipc/errors.ts';
import type { LocalEdit } from '../sync/replica.ts';
import { searchContactIds } from '../search/search-index.ts';
import type {
  ContactDetail,
  ContactInput,
  ContactSummary,
  MergePreview,
  TaskItem,
  TimelineEntry,
} from './contacts-contract.ts';

export type CrmUser = { id: string; role: Role; brokerageId: string | null };
export type CrmDeps = {
  sqlite: Database.Database;
  mutate(edits: LocalEdit[]): number[];
  user: CrmUser;
  now?: () => Date;
  newId?: () => string;
};

type ContactRow = {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  stage: string;
  tags: string;
  source: string | null;
  zipcode: string | null;
  assigned_agent_id: string | null;
  owner_name: string | null;
  score: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
};

const OPEN_ALERT_STATUSES = `('new', 'viewed', 'contacted', 'snoozed')`;
const SCORE_SQL = `(SELECT max(a.probability) FROM alerts a WHERE a.contact_id = c.id AND a.status IN ${OPEN_ALERT_STATUSES})`;

export const contactName = (row: { first_name: string; last_name: string }) => `${row.first_name} ${row.last_name}`.trim() || '(no name)';

const parseTags = (value: string): string[] => {
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
};

const toSummary = (row: ContactRow): ContactSummary => ({
  id: row.id,
  name: contactName(row),
  email: row.email,
  phone: row.phone,
  stage: row.stage,
  tags: parseTags(row.tags),
  zipcode: row.zipcode,
  ownerId: row.assigned_agent_id,
  ownerName: row.owner_name,
  score: row.score,
  updatedAt: row.updated_at,
});

/** The stored form of a phone or email, for duplicate checks: digits only (last 10), lower-case email. */
export const phoneKey = (phone: string | null | undefined) => {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : null;
};
export const emailKey = (email: string | null | undefined) => (email ?? '').trim().toLowerCase() || null;

const nullIfEmpty = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : value);

/** ContactInput (the form's names) → the contacts table's columns. */
export function contactChanges(input: Partial<ContactInput>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (input.firstName !== undefined) changes.first_name = input.firstName;
  if (input.lastName !== undefined) changes.last_name = input.lastName;
  if (input.email !== undefined) changes.email = nullIfEmpty(input.email);
  if (input.phone !== undefined) changes.phone = nullIfEmpty(input.phone);
  if (input.stage !== undefined) changes.stage = input.stage;
  if (input.tags !== undefined) changes.tags = [...new Set(input.tags)];
  if (input.source !== undefined) changes.source = nullIfEmpty(input.source);
  if (input.zipcode !== undefined) changes.zipcode = nullIfEmpty(input.zipcode);
  return changes;
}

export type ContactListInput = {
  search?: string | undefined;
  stages?: readonly string[] | undefined;
  tag?: string | undefined;
  owner?: string | undefined;
  zipcode?: string | undefined;
  minScore?: number | undefined;
  sort?: 'name' | 'updated' | 'created' | 'score' | 'stage' | 'zip';
  direction?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
};

export function createContactsService(deps: CrmDeps) {
  const { sqlite, user } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => randomUUID());
  const isManager = user.role === 'manager' || user.role === 'admin';

  const requireContact = (id: string, options: { includeDeleted?: boolean } = {}): ContactRow => {
    const row = sqlite
      .prepare(
        `SELECT c.*, trim(u.name) AS owner_name, ${SCORE_SQL} AS score FROM contacts c LEFT JOIN users u ON u.id = c.assigned_agent_id WHERE c.id = ?`,
      )
      .get(id) as ContactRow | undefined;
    if (!row || (row.deleted_at && !options.includeDeleted)) throw new AppError('not_found', 'This contact does not exist on this device (it may have been deleted or merged).');
    return row;
  };

  const requireManager = (what: string) => {
    if (!isManager) throw new AppError('forbidden', `Only a manager can ${what}. Ask your manager to do it, or assign it to yourself.`);
  };

  const requireUser = (id: string) => {
    const row = sqlite.prepare(`SELECT id FROM users WHERE id = ? AND deactivated_at IS NULL`).get(id);
    if (!row) throw new AppError('not_found', 'That teammate is not in your brokerage (or was deactivated).');
  };

  const logActivity = (contactId: string, kind: string, summary: string, extra: { alertId?: string | null; occurredAt?: string } = {}): LocalEdit => ({
    table: 'activities',
    op: 'insert',
    id: newId(),
    changes: { contact_id: contactId, kind, summary, occurred_at: extra.occurredAt ?? now().toISOString(), alert_id: extra.alertId ?? null },
  });

  // ---- Contacts ----

  const listContacts = (input: ContactListInput = {}) => {
    const where: string[] = ['c.deleted_at IS NULL'];
    const params: unknown[] = [];
    if (input.search?.trim()) {
      const ids = searchContactIds(sqlite, input.search, 5000);
      if (ids.length === 0) return { total: 0, items: [], tags: allTags() };
      where.push(`c.id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(ids));
    }
    if (input.stages && input.stages.length > 0) {
      where.push(`c.stage IN (${input.stages.map(() => '?').join(', ')})`);
      params.push(...input.stages);
    }
    if (input.tag) {
      where.push(`EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value = ?)`);
      params.push(input.tag);
    }
    if (input.owner === 'me') {
      where.push(`c.assigned_agent_id = ?`);
      params.push(user.id);
    } else if (input.owner === 'unassigned') where.push(`c.assigned_agent_id IS NULL`);
    else if (input.owner) {
      where.push(`c.assigned_agent_id = ?`);
      params.push(input.owner);
    }
    if (input.zipcode) {
      where.push(`c.zipcode LIKE ?`);
      params.push(`${input.zipcode}%`);
    }
    const byScore = input.sort === 'score' || (input.minScore !== undefined && input.minScore > 0);
    if (input.minScore !== undefined && input.minScore > 0) {
      where.push(`s.score >= ?`);
      params.push(input.minScore);
    }
    const direction = input.direction === 'desc' ? 'DESC' : 'ASC';
    const order = {
      name: `c.last_name COLLATE NOCASE ${direction}, c.first_name COLLATE NOCASE ${direction}`,
      updated: `c.updated_at ${direction}`,
      created: `c.created_at ${direction}`,
      score: `s.score IS NULL, s.score ${direction}`,
      stage: `c.stage ${direction}, c.last_name COLLATE NOCASE`,
      zip: `c.zipcode IS NULL, c.zipcode ${direction}`,
    }[input.sort ?? 'name'];
    // Scores of every contact at once (20k alerts: one grouped scan), never one subquery per contact.
    const scores = byScore ? `LEFT JOIN (SELECT contact_id, max(probability) AS score FROM alerts WHERE status IN ${OPEN_ALERT_STATUSES} GROUP BY contact_id) s ON s.contact_id = c.id` : '';
    const whereSql = where.join(' AND ');
    // The count needs the scores only to filter by them, never to order.
    const countScores = input.minScore !== undefined && input.minScore > 0 ? scores : '';
    const total = (sqlite.prepare(`SELECT count(*) AS n FROM contacts c ${countScores} WHERE ${whereSql}`).get(...params) as { n: number }).n;
    // Two steps: the page's ids in order (sorting only narrow rows), then the page's rows with their details.
    const ids = sqlite
      .prepare(`SELECT c.id FROM contacts c ${scores} WHERE ${whereSql} ORDER BY ${order}, c.id LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, input.limit ?? 100, input.offset ?? 0) as string[];
    const rows = sqlite
      .prepare(
        `SELECT c.*, trim(u.name) AS owner_name, ${SCORE_SQL} AS score FROM contacts c LEFT JOIN users u ON u.id = c.assigned_agent_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as ContactRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return { total, items: ids.flatMap((id) => (byId.has(id) ? [toSummary(byId.get(id)!)] : [])), tags: allTags() };
  };

  const allTags = (): string[] =>
    sqlite
      .prepare(`SELECT DISTINCT t.value AS tag FROM contacts c, json_each(c.tags) t WHERE c.deleted_at IS NULL AND c.tags != '[]' ORDER BY 1 LIMIT 200`)
      .pluck()
      .all() as string[];

  const getContact = (id: string): ContactDetail => {
    const row = requireContact(id);
    const properties = sqlite
      .prepare(`SELECT id, address, zipcode, estimate FROM properties WHERE contact_id = ? AND deleted_at IS NULL ORDER BY address`)
      .all(id) as ContactDetail['properties'];
    const alerts = sqlite
      .prepare(`SELECT id, type, probability, priority, status, created_at AS createdAt FROM alerts WHERE contact_id = ? ORDER BY created_at DESC`)
      .all(id) as ContactDetail['alerts'];
    const notes = sqlite
      .prepare(
        `SELECT n.id, n.body, trim(u.name) AS authorName, n.created_at AS createdAt FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.contact_id = ? AND n.deleted_at IS NULL ORDER BY n.created_at DESC, n.rowid DESC`,
      )
      .all(id) as ContactDetail['notes'];
    const campaigns = sqlite
      .prepare(
        `SELECT s.id, coalesce(k.name, '(deleted campaign)') AS campaignName, s.status, s.sent_at AS sentAt, s.email FROM campaign_sends s
         LEFT JOIN campaigns k ON k.id = s.campaign_id WHERE s.contact_id = ? ORDER BY coalesce(s.sent_at, s.created_at) DESC`,
      )
      .all(id) as ContactDetail['campaigns'];
    const pendingChanges = (
      sqlite.prepare(`SELECT count(*) AS n FROM local_outbox WHERE table_name = 'contacts' AND row_id = ? AND status IN ('pending', 'acknowledged')`).get(id) as { n: number }
    ).n;
    return {
      contact: { ...toSummary(row), firstName: row.first_name, lastName: row.last_name, source: row.source, createdAt: row.created_at, deletedAt: row.deleted_at, pendingChanges },
      properties,
      alerts,
      notes,
      tasks: queryTasks({ contactId: id, view: 'all' }),
      campaigns,
      timeline: timeline(id),
    };
  };

  /** Activities, events, notes, alert outcomes and campaign sends of one contact, newest first. */
  const timeline = (contactId: string, limit = 300): TimelineEntry[] =>
    sqlite
      .prepare(
        `SELECT * FROM (
           SELECT a.id, 'activity' AS kind, a.kind AS type, a.occurred_at AS at, a.summary AS text, trim(u.name) AS by
             FROM activities a LEFT JOIN users u ON u.id = a.user_id WHERE a.contact_id = @id
           UNION ALL
           SELECT e.id, 'event', e.type, e.occurred_at, coalesce(json_extract(e.props, '$.summary'), ''), NULL
             FROM (SELECT * FROM events WHERE contact_id = @id ORDER BY occurred_at DESC LIMIT @limit) e
           UNION ALL
           SELECT n.id, 'note', 'note', n.created_at, n.body, trim(u.name)
             FROM notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.contact_id = @id AND n.deleted_at IS NULL
           UNION ALL
           SELECT o.id, 'outcome', o.outcome, o.occurred_at, o.note, trim(u.name)
             FROM alert_outcomes o LEFT JOIN users u ON u.id = o.recorded_by WHERE o.contact_id = @id
           UNION ALL
           SELECT s.id, 'campaign', s.status, coalesce(s.sent_at, s.created_at), coalesce(k.name, 'campaign'), NULL
             FROM campaign_sends s LEFT JOIN campaigns k ON k.id = s.campaign_id WHERE s.contact_id = @id
         ) ORDER BY at DESC LIMIT @limit`,
      )
      .all({ id: contactId, limit }) as TimelineEntry[];

  const createContact = (input: Partial<ContactInput>): { id: string } => {
    if (!input.firstName?.trim() && !input.lastName?.trim() && !input.email?.trim()) {
      throw new AppError('invalid_input', 'Give the contact a name or an email address.');
    }
    const id = newId();
    deps.mutate([
      {
        table: 'contacts',
        op: 'insert',
        id,
        changes: { stage: 'lead', tags: [], ...contactChanges(input), assigned_agent_id: user.role === 'agent' ? user.id : null },
      },
    ]);
    return { id };
  };

  const updateContact = (id: string, input: Partial<ContactInput>): { id: string } => {
    const row = requireContact(id);
    const changes = contactChanges(input);
    const edits: LocalEdit[] = [{ table: 'contacts', op: 'update', id, changes }];
    if (input.stage !== undefined && input.stage !== row.stage) {
      edits.push(logActivity(id, 'status_change', `Stage: ${row.stage.replace('_', ' ')} → ${input.stage.replace('_', ' ')}`));
    }
    deps.mutate(edits);
    return { id };
  };

  const tagContacts = (ids: readonly string[], add: readonly string[], remove: readonly string[]) => {
    const edits: LocalEdit[] = [];
    for (const id of new Set(ids)) {
      const tags = parseTags(requireContact(id).tags);
      const next = [...new Set([...tags.filter((tag) => !remove.includes(tag)), ...add])];
      if (next.length !== tags.length || next.some((tag, i) => tag !== tags[i])) edits.push({ table: 'contacts', op: 'update', id, changes: { tags: next } });
    }
    if (edits.length > 0) deps.mutate(edits);
    return { changed: edits.length };
  };

  const assignContacts = (ids: readonly string[], agentId: string | null) => {
    requireManager('assign contacts to an agent');
    if (agentId) requireUser(agentId);
    const edits: LocalEdit[] = [];
    for (const id of new Set(ids)) {
      if (requireContact(id).assigned_agent_id !== agentId) edits.push({ table: 'contacts', op: 'update', id, changes: { assigned_agent_id: agentId } });
    }
    if (edits.length > 0) deps.mutate(edits);
    return { changed: edits.length };
  };

  const deleteContact = (id: string) => {
    requireContact(id);
    deps.mutate([{ table: 'contacts', op: 'delete', id }]);
    return { id };
  };

  const restoreContact = (id: string) => {
    const row = requireContact(id, { includeDeleted: true });
    if (row.deleted_at) deps.mutate([{ table: 'contacts', op: 'update', id, changes: { deleted_at: null } }]);
    return { id };
  };

  const listOwners = () =>
    sqlite
      .prepare(`SELECT id, trim(name) AS name, role FROM users WHERE deactivated_at IS NULL AND (? IS NULL OR brokerage_id = ?) ORDER BY name`)
      .all(user.brokerageId, user.brokerageId) as { id: string; name: string; role: string }[];

  // ---- Duplicates and merge ----

  const findDuplicates = (contactId?: string) => {
    // Keys first (narrow rows, no joins), then the few contacts that share one.
    const keyed = sqlite.prepare(`SELECT id, email, phone FROM contacts WHERE deleted_at IS NULL AND (email IS NOT NULL OR phone IS NOT NULL)`).all() as {
      id: string;
      email: string | null;
      phone: string | null;
    }[];
    const groups = new Map<string, { reason: 'email' | 'phone'; value: string; ids: string[] }>();
    for (const row of keyed) {
      for (const [reason, key] of [
        ['email', emailKey(row.email)],
        ['phone', phoneKey(row.phone)],
      ] as const) {
        if (!key) continue;
        const group = groups.get(`${reason}:${key}`);
        if (group) group.ids.push(row.id);
        else groups.set(`${reason}:${key}`, { reason, value: key, ids: [row.id] });
      }
    }
    const found = [...groups.values()].filter((group) => group.ids.length > 1 && (!contactId || group.ids.includes(contactId))).slice(0, 200);
    const members = [...new Set(found.flatMap((group) => group.ids.slice(0, 10)))];
    const rows = sqlite
      .prepare(
        `SELECT c.*, trim(u.name) AS owner_name, ${SCORE_SQL} AS score FROM contacts c LEFT JOIN users u ON u.id = c.assigned_agent_id
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(members)) as ContactRow[];
    const byId = new Map(rows.map((row) => [row.id, toSummary(row)]));
    return found.map((group) => ({ reason: group.reason, value: group.value, contacts: group.ids.slice(0, 10).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])) }));
  };

  const MERGE_FIELDS = [
    ['first_name', 'First name'],
    ['last_name', 'Last name'],
    ['email', 'Email'],
    ['phone', 'Phone'],
    ['zipcode', 'Zip code'],
    ['source', 'Source'],
    ['assigned_agent_id', 'Owner'],
  ] as const;

  /** What a merge would do: the survivor's value wins unless it is empty; tags are united. */
  const previewMerge = (survivorId: string, otherId: string): MergePreview & { changes: Record<string, unknown> } => {
    if (survivorId === otherId) throw new AppError('invalid_input', 'Pick two different contacts to merge.');
    const survivor = requireContact(survivorId);
    const other = requireContact(otherId);
    const changes: Record<string, unknown> = {};
    const fields: MergePreview['fields'] = MERGE_FIELDS.map(([field, label]) => {
      const mine = (survivor[field] ?? '') as string;
      const theirs = (other[field] ?? '') as string;
      const from = mine === theirs ? 'both' : mine !== '' ? 'survivor' : 'other';
      if (from === 'other') changes[field] = theirs;
      const show = (value: string) => (field === 'assigned_agent_id' ? (value ? (listOwners().find((owner) => owner.id === value)?.name ?? value) : '') : value);
      return { field, label, survivor: show(mine), other: show(theirs), result: show(from === 'other' ? theirs : mine), from };
    });
    const tags = [...new Set([...parseTags(survivor.tags), ...parseTags(other.tags)])];
    const survivorTags = parseTags(survivor.tags);
    if (tags.length !== survivorTags.length) changes.tags = tags;
    fields.push({ field: 'tags', label: 'Tags', survivor: survivorTags.join(', '), other: parseTags(other.tags).join(', '), result: tags.join(', '), from: tags.length === survivorTags.length ? 'survivor' : 'both' });
    const count = (table: string, extra = '') => (sqlite.prepare(`SELECT count(*) AS n FROM ${table} WHERE contact_id = ? ${extra}`).get(otherId) as { n: number }).n;
    return {
      survivorId,
      otherId,
      fields,
      moves: {
        notes: count('notes', 'AND deleted_at IS NULL'),
        tasks: count('tasks', 'AND deleted_at IS NULL'),
        activities: count('activities'),
        properties: count('properties', 'AND deleted_at IS NULL'),
        alerts: count('alerts'),
      },
      changes,
    };
  };

  /**
   * Merges `otherId` into `survivorId` in one local transaction: fields per the preview, tasks, properties
   * and alerts re-pointed, notes and activities (append-only on the server: never updated) copied onto
   * the survivor under ids derived from the originals (a repeated merge adds nothing twice) with the
   * original notes tombstoned, then the other contact soft-deleted. Its events stay with it (they are
   * the brokerage's raw history, not editable from a device).
   */
  const mergeContacts = (survivorId: string, otherId: string): MergePreview => {
    const { changes, ...preview } = previewMerge(survivorId, otherId);
    if (changes.assigned_agent_id !== undefined && !isManager) delete changes.assigned_agent_id;
    const edits: LocalEdit[] = [];
    if (Object.keys(changes).length > 0) edits.push({ table: 'contacts', op: 'update', id: survivorId, changes });
    for (const table of ['tasks', 'properties'] as const) {
      for (const id of sqlite.prepare(`SELECT id FROM ${table} WHERE contact_id = ? AND deleted_at IS NULL`).pluck().all(otherId) as string[]) {
        edits.push({ table, op: 'update', id, changes: { contact_id: survivorId } });
      }
    }
    for (const id of sqlite.prepare(`SELECT id FROM alerts WHERE contact_id = ?`).pluck().all(otherId) as string[]) {
      edits.push({ table: 'alerts', op: 'update', id, changes: { contact_id: survivorId } });
    }
    const notes = sqlite.prepare(`SELECT id, body FROM notes WHERE contact_id = ? AND deleted_at IS NULL`).all(otherId) as { id: string; body: string }[];
    for (const note of notes) {
      edits.push({ table: 'notes', op: 'insert', id: `merged.${note.id}`.slice(0, 128), changes: { contact_id: survivorId, body: note.body } });
      edits.push({ table: 'notes', op: 'delete', id: note.id });
    }
    const activities = sqlite.prepare(`SELECT id, kind, summary, occurred_at, alert_id FROM activities WHERE contact_id = ?`).all(otherId) as {
      id: string;
      kind: string;
      summary: string;
      occurred_at: string;
      alert_id: string | null;
    }[];
    const exists = sqlite.prepare(`SELECT 1 FROM activities WHERE id = ?`).pluck();
    for (const activity of activities) {
      const id = `merged.${activity.id}`.slice(0, 128);
      if (exists.get(id)) continue;
      edits.push({ table: 'activities', op: 'insert', id, changes: { contact_id: survivorId, kind: activity.kind, summary: activity.summary, occurred_at: activity.occurred_at, alert_id: activity.alert_id } });
    }
    const other = requireContact(otherId);
    edits.push(logActivity(survivorId, 'status_change', `Merged with ${contactName(other)}${other.email ? ` <${other.email}>` : ''}`));
    edits.push({ table: 'contacts', op: 'delete', id: otherId });
    deps.mutate(edits);
    return preview;
  };

  // ---- Notes ----

  const addNote = (contactId: string, body: string) => {
    requireContact(contactId);
    const id = newId();
    deps.mutate([{ table: 'notes', op: 'insert', id, changes: { contact_id: contactId, body } }]);
    return { id };
  };

  const deleteNote = (id: string) => {
    const row = sqlite.prepare(`SELECT author_id, deleted_at FROM notes WHERE id = ?`).get(id) as { author_id: string | null; deleted_at: string | null } | undefined;
    if (!row || row.deleted_at) throw new AppError('not_found', 'This note does not exist on this device.');
    if (row.author_id !== user.id && !isManager) throw new AppError('forbidden', 'Only the note’s author or a manager can delete a note.');
    deps.mutate([{ table: 'notes', op: 'delete', id }]);
    return { id };
  };

  // ---- Tasks ----

  type TaskRow = {
    id: string;
    title: string;
    description: string;
    priority: TaskItem['priority'];
    due_at: string | null;
    remind_at: string | null;
    completed_at: string | null;
    contact_id: string | null;
    contact_first: string | null;
    contact_last: string | null;
    assignee_id: string | null;
    assignee_name: string | null;
  };

  const toTask = (row: TaskRow, at: string): TaskItem => ({
    id: row.id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    dueAt: row.due_at,
    remindAt: row.remind_at,
    completedAt: row.completed_at,
    contactId: row.contact_id,
    contactName: row.contact_first !== null ? contactName({ first_name: row.contact_first, last_name: row.contact_last ?? '' }) : null,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    overdue: row.completed_at === null && row.due_at !== null && row.due_at < at,
  });

  const queryTasks = (input: { view?: string; assignee?: 'me' | 'all'; contactId?: string | undefined }): TaskItem[] => {
    const at = now().toISOString();
    const where = ['t.deleted_at IS NULL'];
    const params: Record<string, unknown> = { at, me: user.id };
    if (input.contactId) {
      where.push('t.contact_id = @contact');
      params.contact = input.contactId;
    }
    if (input.assignee === 'me') where.push('(t.assignee_id = @me OR (t.assignee_id IS NULL AND t.created_by = @me))');
    const endOfDay = new Date(now());
    endOfDay.setHours(23, 59, 59, 999);
    params.endOfDay = endOfDay.toISOString();
    switch (input.view) {
      case 'open':
        where.push('t.completed_at IS NULL');
        break;
      case 'overdue':
        where.push('t.completed_at IS NULL AND t.due_at IS NOT NULL AND t.due_at < @at');
        break;
      case 'today':
        where.push('t.completed_at IS NULL AND t.due_at IS NOT NULL AND t.due_at <= @endOfDay');
        break;
      case 'upcoming':
        where.push('t.completed_at IS NULL AND t.due_at > @endOfDay');
        break;
      case 'completed':
        where.push('t.completed_at IS NOT NULL');
        break;
      default:
        break;
    }
    const order = input.view === 'completed' ? 't.completed_at DESC' : `t.completed_at IS NOT NULL, t.due_at IS NULL, t.due_at, CASE t.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END`;
    const rows = sqlite
      .prepare(
        `SELECT t.*, c.first_name AS contact_first, c.last_name AS contact_last, trim(u.name) AS assignee_name FROM tasks t
         LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN users u ON u.id = t.assignee_id
         WHERE ${where.join(' AND ')} ORDER BY ${order}, t.id LIMIT 1000`,
      )
      .all(params) as TaskRow[];
    return rows.map((row) => toTask(row, at));
  };

  const listTasks = (input: { view?: string; assignee?: 'me' | 'all'; contactId?: string | undefined } = {}) => {
    const items = queryTasks({ view: input.view ?? 'open', assignee: input.assignee ?? 'me', contactId: input.contactId });
    const overdue = queryTasks({ view: 'overdue', assignee: input.assignee ?? 'me', contactId: input.contactId }).length;
    return { items, overdue };
  };

  const checkAssignee = (assigneeId: string | null | undefined) => {
    if (assigneeId && assigneeId !== user.id) {
      requireManager('assign a task to someone else');
      requireUser(assigneeId);
    }
  };

  const createTask = (input: {
    title: string;
    description?: string;
    priority?: TaskItem['priority'];
    dueAt?: string | null;
    remindAt?: string | null;
    contactId?: string | null;
    assigneeId?: string | null | undefined;
  }) => {
    checkAssignee(input.assigneeId);
    if (input.contactId) requireContact(input.contactId);
    const id = newId();
    deps.mutate([
      {
        table: 'tasks',
        op: 'insert',
        id,
        changes: {
          title: input.title,
          description: input.description ?? '',
          priority: input.priority ?? 'normal',
          due_at: input.dueAt ?? null,
          remind_at: input.remindAt ?? null,
          contact_id: input.contactId ?? null,
          assignee_id: input.assigneeId === undefined ? user.id : input.assigneeId,
        },
      },
    ]);
    return { id };
  };

  const requireTask = (id: string) => {
    const row = sqlite.prepare(`SELECT id, contact_id, title, completed_at FROM tasks WHERE id = ? AND deleted_at IS NULL`).get(id) as
      | { id: string; contact_id: string | null; title: string; completed_at: string | null }
      | undefined;
    if (!row) throw new AppError('not_found', 'This task does not exist on this device (it may have been deleted).');
    return row;
  };

  const updateTask = (
    id: string,
    changes: Partial<{ title: string; description: string; priority: TaskItem['priority']; dueAt: string | null; remindAt: string | null; assigneeId: string | null; completed: boolean }>,
  ) => {
    const task = requireTask(id);
    if (changes.assigneeId !== undefined) checkAssignee(changes.assigneeId);
    const columns: Record<string, unknown> = {};
    if (changes.title !== undefined) columns.title = changes.title;
    if (changes.description !== undefined) columns.description = changes.description;
    if (changes.priority !== undefined) columns.priority = changes.priority;
    if (changes.dueAt !== undefined) columns.due_at = changes.dueAt;
    if (changes.remindAt !== undefined) columns.remind_at = changes.remindAt;
    if (changes.assigneeId !== undefined) columns.assignee_id = changes.assigneeId;
    if (changes.completed !== undefined) columns.completed_at = changes.completed ? (task.completed_at ?? now().toISOString()) : null;
    // A new reminder time should remind again.
    if (changes.remindAt !== undefined) sqlite.prepare(`DELETE FROM local_notified WHERE kind = 'task' AND record_id = ?`).run(id);
    deps.mutate([{ table: 'tasks', op: 'update', id, changes: columns }]);
    return { id };
  };

  const deleteTask = (id: string) => {
    requireTask(id);
    deps.mutate([{ table: 'tasks', op: 'delete', id }]);
    return { id };
  };

  // ---- Activities ----

  const addActivity = (input: { contactId: string; kind: string; summary?: string; occurredAt?: string | undefined; alertId?: string | null | undefined }) => {
    requireContact(input.contactId);
    if (input.occurredAt && Date.parse(input.occurredAt) > now().getTime() + 5 * 60_000) {
      throw new AppError('invalid_input', 'An activity cannot happen in the future: log it when it has happened, or make it a task.');
    }
    if (input.alertId) {
      const alert = sqlite.prepare(`SELECT contact_id FROM alerts WHERE id = ?`).get(input.alertId) as { contact_id: string } | undefined;
      if (!alert || alert.contact_id !== input.contactId) throw new AppError('invalid_input', 'That alert belongs to another contact.');
    }
    const edit = logActivity(input.contactId, input.kind, input.summary ?? '', {
      alertId: input.alertId ?? null,
      ...(input.occurredAt ? { occurredAt: new Date(input.occurredAt).toISOString() } : {}),
    });
    deps.mutate([edit]);
    return { id: edit.id };
  };

  return {
    listContacts,
    getContact,
    createContact,
    updateContact,
    tagContacts,
    assignContacts,
    deleteContact,
    restoreContact,
    listOwners,
    findDuplicates,
    previewMerge: (survivorId: string, otherId: string): MergePreview => {
      const { changes: _changes, ...preview } = previewMerge(survivorId, otherId);
      return preview;
    },
    mergeContacts,
    addNote,
    deleteNote,
    listTasks,
    createTask,
    updateTask,
    deleteTask,
    logActivity: addActivity,
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
