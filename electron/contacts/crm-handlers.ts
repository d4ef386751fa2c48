// Wires the CRM (contacts, notes, tasks, activities, import/export, search) into the app: one set of
// services per signed-in session's replica, the background search indexer and the task reminders,
// and the IPC handlers. app-services.ts creates it once and forwards session and data events.
import type { Role } from '../../db/schema/vocabulary.ts';
import type { OperationHandlers } from '../ipc/contract.ts';
import { AppError } from '../ipc/errors.ts';
import { createSearchIndexer, searchEverything } from '../search/search-index.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';
import { startTaskReminders } from '../tasks/task-reminders.ts';
import type { contactsContract } from './contacts-contract.ts';
import { createContactsService, type ContactsService } from './contacts-service.ts';
import { createImportService, type ImportService } from './import-service.ts';

type CrmOperation = keyof typeof contactsContract;
export type CrmHandlers = Pick<OperationHandlers, CrmOperation>;

export type CrmDeps = {
  store: () => LocalStore | null;
  sync: () => { mutate(edits: LocalEdit[]): number[] } | null;
  user: () => { id: string; role: Role; brokerageId: string | null } | null;
  notifier: { show(notification: { title: string; body: string }): void } | null;
  log?: (message: string) => void;
  /** Reminder check period; tests shorten it. */
  reminderIntervalMs?: number;
};

type SessionParts = {
  key: string;
  contacts: ContactsService;
  imports: ImportService;
  indexer: ReturnType<typeof createSearchIndexer>;
  reminders: ReturnType<typeof startTaskReminders> | null;
  store: LocalStore;
};

export function createCrm(deps: CrmDeps) {
  let parts: SessionParts | null = null;

  const stop = () => {
    parts?.indexer.stop();
    parts?.reminders?.stop();
    parts = null;
  };

  /** The services of the current session, (re)made when the signed-in user or replica changed. */
  const current = (): SessionParts | null => {
    const store = deps.store();
    const sync = deps.sync();
    const user = deps.user();
    if (!store || !sync || !user) {
      stop();
      return null;
    }
    const key = `${user.id}|${user.role}|${store.file}`;
    if (parts && parts.key === key && parts.store === store) return parts;
    stop();
    const mutate = (edits: LocalEdit[]) => sync.mutate(edits);
    const indexer = createSearchIndexer(store.sqlite, { chunk: 500, ...(deps.log ? { log: deps.log } : {}) });
    indexer.start();
    parts = {
      key,
      store,
      contacts: createContactsService({ sqlite: store.sqlite, mutate, user }),
      imports: createImportService({ sqlite: store.sqlite, mutate, user }),
      indexer,
      reminders: deps.notifier
        ? startTaskReminders({
            sqlite: store.sqlite,
            userId: user.id,
            notifier: { show: ({ title, body }) => deps.notifier!.show({ title, body }) },
            ...(deps.reminderIntervalMs ? { intervalMs: deps.reminderIntervalMs } : {}),
            ...(deps.log ? { log: deps.log } : {}),
          })
        : null,
    };
    return parts;
  };

  const signedIn = (): SessionParts => {
    const found = current();
    if (!found) throw new AppError('unauthenticated', 'Sign in to see your contacts and tasks; they live in your account’s data on this device.');
    if (deps.user()?.brokerageId === null) throw new AppError('forbidden', 'Contacts belong to a brokerage: sign in with a brokerage account.');
    return found;
  };
  const contacts = () => signedIn().contacts;
  const imports = () => signedIn().imports;

  const handlers: CrmHandlers = {
    listContacts: async (input) => contacts().listContacts(input),
    getContact: async ({ id }) => contacts().getContact(id),
    createContact: async (input) => contacts().createContact(input),
    updateContact: async ({ id, changes }) => contacts().updateContact(id, changes),
    tagContacts: async ({ ids, add, remove }) => contacts().tagContacts(ids, add, remove),
    assignContacts: async ({ ids, agentId }) => contacts().assignContacts(ids, agentId),
    deleteContact: async ({ id }) => contacts().deleteContact(id),
    restoreContact: async ({ id }) => contacts().restoreContact(id),
    listContactOwners: async () => contacts().listOwners(),
    findDuplicateContacts: async (input) => contacts().findDuplicates(input?.id),
    previewContactMerge: async ({ survivorId, otherId }) => contacts().previewMerge(survivorId, otherId),
    mergeContacts: async ({ survivorId, otherId }) => contacts().mergeContacts(survivorId, otherId),
    addNote: async ({ contactId, body }) => contacts().addNote(contactId, body),
    deleteNote: async ({ id }) => contacts().deleteNote(id),
    listTasks: async (input) => contacts().listTasks(input),
    createTask: async (input) => contacts().createTask(input),
    updateTask: async ({ id, changes }) => contacts().updateTask(id, changes),
    deleteTask: async ({ id }) => contacts().deleteTask(id),
    logActivity: async (input) => contacts().logActivity(input),
    uploadImportChunk: async (input) => imports().upload(input),
    validateImport: async ({ importId, mapping }) => imports().validate(importId, mapping),
    runImport: async ({ importId, mapping }) => imports().run(importId, mapping),
    getImportProgress: async ({ importId }) => imports().progress(importId),
    cancelImport: async ({ importId }) => imports().cancel(importId),
    exportCsv: async ({ kind }) => imports().exportCsv(kind),
    search: async ({ query, limit }) => searchEverything(signedIn().store.sqlite, query, { limit }),
  };

  return {
    handlers,
    /** Session or replica changed: start (or stop) the indexer and reminders at once. */
    sessionChanged: () => void current(),
    /** Rows of these tables changed (sync or local edit). */
    tablesChanged(tables: readonly string[]) {
      const found = current();
      found?.indexer.tablesChanged(tables);
      found?.reminders?.tablesChanged(tables);
    },
    close: stop,
  };
}

export type Crm = ReturnType<typeof createCrm>;
