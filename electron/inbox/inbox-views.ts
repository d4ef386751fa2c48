// Saved inbox views: two built in ("My new CRITICAL", "Refinance this week") next to the general ones,
// plus the user's own, kept in local_settings. A view is a set of filters; its dates may be relative
// ("created within 7 days") so a saved view keeps meaning "this week".
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../ipc/errors.ts';
import type { LocalDatabase } from '../store/local-store.ts';
import { inboxFiltersSchema, type InboxFilterInput } from './inbox-contract.ts';
import { localSetting } from './local-setting.ts';

export type ViewDefinition = { id: string; name: string; builtIn: boolean; filters: InboxFilterInput };

const OPEN = ['new', 'viewed', 'contacted'] as const;

export const BUILT_IN_VIEWS: readonly ViewDefinition[] = [
  { id: 'builtin:open', name: 'Open alerts', builtIn: true, filters: { statuses: [...OPEN] } },
  { id: 'builtin:my-new-critical', name: 'My new CRITICAL', builtIn: true, filters: { assignee: 'me', statuses: ['new'], priorities: ['CRITICAL'] } },
  { id: 'builtin:refinance-this-week', name: 'Refinance this week', builtIn: true, filters: { types: ['refinance'], statuses: [...OPEN], createdWithinDays: 7 } },
  { id: 'builtin:snoozed', name: 'Snoozed', builtIn: true, filters: { statuses: ['snoozed'] } },
  { id: 'builtin:all', name: 'All alerts', builtIn: true, filters: {} },
];

const MAX_SAVED_VIEWS = 30;
const savedViewsSchema = z.array(z.object({ id: z.string(), name: z.string(), filters: inboxFiltersSchema }));

export function createInboxViews(db: LocalDatabase) {
  const saved = localSetting(db, 'inbox.savedViews', savedViewsSchema, () => []);
  return {
    all(): ViewDefinition[] {
      return [...BUILT_IN_VIEWS, ...saved.read().map((view) => ({ ...view, builtIn: false }))];
    },
    save(name: string, filters: InboxFilterInput): ViewDefinition {
      const views = saved.read();
      const taken = [...BUILT_IN_VIEWS, ...views].some((view) => view.name.toLowerCase() === name.toLowerCase());
      if (taken) throw new AppError('invalid_input', `A view named “${name}” already exists; choose another name.`);
      if (views.length >= MAX_SAVED_VIEWS) throw new AppError('invalid_input', `You can keep at most ${MAX_SAVED_VIEWS} saved views; delete one first.`);
      const view = { id: `view:${randomUUID()}`, name, filters };
      saved.write([...views, view]);
      return { ...view, builtIn: false };
    },
    remove(id: string): boolean {
      if (BUILT_IN_VIEWS.some((view) => view.id === id)) throw new AppError('invalid_input', 'Built-in views cannot be deleted.');
      const views = saved.read();
      const rest = views.filter((view) => view.id !== id);
      if (rest.length === views.length) return false;
      saved.write(rest);
      return true;
    },
  };
}
