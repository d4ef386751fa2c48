// The alert inbox of one signed-in session: lists and counts alerts over the local replica (offline),
// opens one with everything an agent needs, and changes them — status, assignment, outcomes — as
// replica edits that apply at once and sync. Bulk changes are one edit batch (one transaction) and
// can be undone: the previous values are kept here for a while and written back on request.
import { randomUUID } from 'node:crypto';
import type { AlertPriority, AlertStatus, IntentType } from '../../db/schema/vocabulary.ts';
import { AppError } from '../ipc/errors.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';
import { createAlertDetailQueries, reasonsOf, type AlertRow } from './alert-detail.ts';
import { mayAssign, mayEdit, outcomeChange, statusChange, viewedChange, type AlertState, type InboxUser } from './alert-rules.ts';
import type { AlertAction, AlertDetail, AlertOutcome, InboxFilterInput, InboxItem, InboxView } from './inbox-contract.ts';
import { createInboxQueries, InboxQueryError, type InboxFilters, type InboxRow } from './inbox-query.ts';
import { createContactSearch, type ContactSearch } from './inbox-search.ts';
import { createInboxViews } from './inbox-views.ts';

export type InboxServiceOptions = {
  store: Pick<LocalStore, 'db' | 'sqlite'>;
  /** The session's sync engine (or a replica in tests): every change is a local edit that syncs. */
  sync: { mutate(edits: LocalEdit[]): number[] };
  user: InboxUser;
  /** Contact ids matching a text search; defaults to the replica's full-text index (electron/search). */
  searchContacts?: ContactSearch;
  now?: () => Date;
};

export type InboxService = ReturnType<typeof createInboxService>;

/** Contacts a search may match before the inbox narrows to them (more would mean the words are too vague). */
const SEARCH_CONTACT_LIMIT = 5_000;
const UNDO_KEEP = 20;
const UNDO_TTL_MS = 15 * 60_000;

type Undo = { at: number; entries: { id: string; previous: Record<string, unknown>; applied: Record<string, unknown> }[] };

const stateOf = (row: AlertRow): AlertState => ({
  id: row.id,
  status: row.status,
  assignedAgentId: row.assigned_agent_id,
  snoozedUntil: row.snoozed_until,
  firstContactedAt: row.first_contacted_at,
});

const DAY_MS = 86_400_000;
const isDateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

export function createInboxService(options: InboxServiceOptions) {
  const { store, sync, user } = options;
  const now = options.now ?? (() => new Date());
  const queries = createInboxQueries(store.db);
  const details = createAlertDetailQueries(store.sqlite);
  const views = createInboxViews(store.db);
  const searchContacts = options.searchContacts ?? createContactSearch(store.sqlite);
  const undos = new Map<string, Undo>();
  const dueSnoozes = store.sqlite.prepare(`SELECT * FROM alerts WHERE brokerage_id = ? AND status = 'snoozed' AND snoozed_until <= ?`);
  const assignees = store.sqlite.prepare(
    `SELECT id, name, role FROM users WHERE brokerage_id = ? AND deactivated_at IS NULL AND role IN ('agent', 'manager') ORDER BY name COLLATE NOCASE`,
  );
  const userExists = store.sqlite.prepare(`SELECT 1 FROM users WHERE id = ? AND brokerage_id = ? AND deactivated_at IS NULL AND role IN ('agent', 'manager')`);

  /** The renderer's filters → the query's (the user's brokerage, "me", relative dates, search → contact ids). */
  const toQueryFilters = (filters: InboxFilterInput): InboxFilters => {
    const query: InboxFilters = { brokerageId: user.brokerageId };
    if (filters.statuses) query.statuses = filters.statuses as AlertStatus[];
    if (filters.priorities) query.priorities = filters.priorities as AlertPriority[];
    if (filters.types) query.types = filters.types as IntentType[];
    if (filters.assignee === 'me') query.assignedAgentId = user.id;
    else if (filters.assignee === 'unassigned') query.assignedAgentId = null;
    else if (filters.assignee !== undefined) query.assignedAgentId = filters.assignee;
    const from: number[] = [];
    if (filters.createdWithinDays !== undefined) from.push(now().getTime() - filters.createdWithinDays * DAY_MS);
    if (filters.createdFrom !== undefined) from.push(Date.parse(filters.createdFrom));
    if (from.length > 0) query.createdFrom = new Date(Math.max(...from)).toISOString();
    if (filters.createdTo !== undefined) {
      // A date alone means "through the end of that day".
      const end = Date.parse(filters.createdTo) + (isDateOnly(filters.createdTo) ? DAY_MS : 1);
      query.createdBefore = new Date(end).toISOString();
    }
    if (filters.tag !== undefined) query.contactTag = filters.tag;
    if (filters.search) query.contactIds = searchContacts(filters.search, SEARCH_CONTACT_LIMIT);
    return query;
  };

  const itemOf = (row: InboxRow): InboxItem => ({
    id: row.id,
    contactId: row.contactId,
    propertyId: row.propertyId,
    type: row.type,
    probability: row.probability,
    priority: row.priority,
    status: row.status,
    headline: reasonsOf(row.reasons)[0]?.text ?? null,
    assignedAgentId: row.assignedAgentId,
    snoozedUntil: row.snoozedUntil,
    createdAt: row.createdAt,
    contactName: `${row.contactFirstName} ${row.contactLastName}`.trim() || 'Unnamed contact',
    propertyAddress: row.propertyAddress,
  });

  const asAppError = (error: unknown): never => {
    if (error instanceof InboxQueryError) throw new AppError('invalid_input', error.message);
    throw error;
  };

  /** An alert of this brokerage on this device, or a message a person understands. */
  const findAlert = (id: string): AlertRow => {
    const row = details.alertRow(id);
    if (!row || row.brokerage_id !== user.brokerageId) {
      throw new AppError('not_found', 'This alert is not on this device: it may belong to another agent or brokerage, or it has not synced yet.');
    }
    return row;
  };

  const describe = (row: AlertRow): AlertDetail => {
    const detail = details.describe(row, { canEdit: mayEdit(user, stateOf(row)), canAssign: mayAssign(user) });
    if (!detail) throw new AppError('not_found', 'This alert’s contact is not on this device (deleted, or not synced yet).');
    return detail;
  };

  /** Checks every alert first: a bulk change applies to all of them or to none. */
  const editableAlerts = (ids: readonly string[]): AlertRow[] => {
    const rows = [...new Set(ids)].map((id) => findAlert(id));
    const refused = rows.filter((row) => !mayEdit(user, stateOf(row)));
    if (refused.length > 0) {
      throw new AppError(
        'forbidden',
        `${refused.length === 1 ? 'One alert is' : `${refused.length} alerts are`} assigned to another agent; only they or a manager can change ${refused.length === 1 ? 'it' : 'them'}. Nothing was changed.`,
      );
    }
    return rows;
  };

  /** Applies per-alert changes as one batch of edits and remembers how to undo them. */
  const apply = (changes: { row: AlertRow; changes: Record<string, unknown> }[]): { changed: number; undoId: string | null } => {
    const effective = changes.filter((change) => Object.keys(change.changes).length > 0);
    if (effective.length === 0) return { changed: 0, undoId: null };
    sync.mutate(effective.map(({ row, changes: values }) => ({ table: 'alerts', op: 'update', id: row.id, changes: values })));
    const undoId = randomUUID();
    const entries = effective.map(({ row, changes: values }) => ({
      id: row.id,
      applied: values,
      previous: Object.fromEntries(Object.keys(values).map((field) => [field, row[field as keyof AlertRow] ?? null])),
    }));
    undos.set(undoId, { at: Date.now(), entries });
    for (const [id, undo] of undos) {
      if (undos.size <= UNDO_KEEP && Date.now() - undo.at < UNDO_TTL_MS) break;
      undos.delete(id);
    }
    return { changed: effective.length, undoId };
  };

  /** Snoozed alerts whose time has come are open again (status viewed: the agent had seen them). */
  const wakeSnoozed = () => {
    const due = (dueSnoozes.all(user.brokerageId, now().toISOString()) as AlertRow[]).filter((row) => mayEdit(user, stateOf(row)));
    if (due.length > 0) sync.mutate(due.map((row) => ({ table: 'alerts', op: 'update', id: row.id, changes: { status: 'viewed', snoozed_until: null } })));
  };

  const viewOf = (view: { id: string; name: string; builtIn: boolean; filters: InboxFilterInput }): InboxView => {
    try {
      return { ...view, count: queries.countInbox(toQueryFilters(view.filters)) };
    } catch {
      return { ...view, count: 0 }; // a saved view an older version wrote with a filter this one refuses: listed, empty
    }
  };

  return {
    list(input: { filters: InboxFilterInput; cursor?: string | null | undefined; limit: number }) {
      wakeSnoozed();
      try {
        const filters = toQueryFilters(input.filters);
        const page = queries.queryInbox(filters, { cursor: input.cursor ?? null, limit: input.limit });
        return { rows: page.rows.map(itemOf), nextCursor: page.nextCursor, total: queries.countInbox(filters) };
      } catch (error) {
        return asAppError(error);
      }
    },

    views(): InboxView[] {
      wakeSnoozed();
      return views.all().map(viewOf);
    },
    saveView: (name: string, filters: InboxFilterInput): InboxView => viewOf(views.save(name, filters)),
    deleteView: (id: string) => ({ deleted: views.remove(id) }),

    /** Opening an alert marks a new one viewed (when it is the user's to work). */
    open(id: string): AlertDetail {
      const row = findAlert(id);
      if (mayEdit(user, stateOf(row))) {
        const changes = viewedChange(stateOf(row));
        if (Object.keys(changes).length > 0) sync.mutate([{ table: 'alerts', op: 'update', id, changes }]);
      }
      return describe(findAlert(id));
    },

    change(ids: readonly string[], action: AlertAction, snoozedUntil?: string) {
      const rows = editableAlerts(ids);
      const at = now();
      const planned = rows.map((row) => {
        const changes = statusChange(stateOf(row), action, { now: at, ...(snoozedUntil !== undefined ? { snoozedUntil } : {}) });
        if (typeof changes === 'string') throw new AppError('invalid_input', `Cannot change alert ${row.id}: ${changes}. Nothing was changed.`);
        return { row, changes };
      });
      return apply(planned);
    },

    assign(ids: readonly string[], agentId: string | null) {
      if (!mayAssign(user)) throw new AppError('forbidden', 'Only a manager can assign alerts to agents. Nothing was changed.');
      if (agentId !== null && !userExists.get(agentId, user.brokerageId)) {
        throw new AppError('invalid_input', 'That person is not an active agent or manager of your brokerage. Nothing was changed.');
      }
      const rows = editableAlerts(ids);
      return apply(rows.map((row) => ({ row, changes: row.assigned_agent_id === agentId ? {} : { assigned_agent_id: agentId } })));
    },

    /**
     * Writes back the values an earlier change replaced, for each alert still as that change left it
     * (an alert changed since — here or on another device — keeps its newer state and counts as skipped).
     */
    undo(undoId: string) {
      const undo = undos.get(undoId);
      if (!undo || Date.now() - undo.at > UNDO_TTL_MS) throw new AppError('not_found', 'That change can no longer be undone.');
      undos.delete(undoId);
      const edits: LocalEdit[] = [];
      for (const entry of undo.entries) {
        const row = details.alertRow(entry.id);
        if (!row) continue;
        const unchanged = Object.entries(entry.applied).every(([field, value]) => (row[field as keyof AlertRow] ?? null) === value);
        if (unchanged && mayEdit(user, stateOf(row))) edits.push({ table: 'alerts', op: 'update', id: entry.id, changes: entry.previous });
      }
      if (edits.length > 0) sync.mutate(edits);
      return { restored: edits.length, skipped: undo.entries.length - edits.length };
    },

    logOutcome(id: string, outcome: AlertOutcome, note: string, occurredAt?: string): AlertDetail {
      const [row] = editableAlerts([id]);
      const at = now();
      const when = occurredAt ?? at.toISOString();
      if (Date.parse(when) > at.getTime() + 5 * 60_000) throw new AppError('invalid_input', 'An outcome cannot be logged in the future.');
      const changes = outcomeChange(stateOf(row!), outcome, at);
      const edits: LocalEdit[] = [
        { table: 'alert_outcomes', op: 'insert', id: randomUUID(), changes: { alert_id: id, contact_id: row!.contact_id, outcome, note, occurred_at: when } },
      ];
      if (Object.keys(changes).length > 0) edits.push({ table: 'alerts', op: 'update', id, changes });
      sync.mutate(edits);
      return describe(findAlert(id));
    },

    assignees: () => assignees.all(user.brokerageId) as { id: string; name: string; role: string }[],
  };
}
