// Loads an engagement dataset directory (contacts.csv, events.csv.gz, outcomes.csv) into contact histories:
// what training and the self-evaluation start from.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readContactsCsv, readEventsCsv, readOutcomesCsv } from './engagement-csv.ts';
import { prepareContactHistory, type ContactHistory } from './features.ts';
import { DAY_MS } from './intent-inputs.ts';

/** The shared training data, next to the repository (never needed at run time). */
export const DEFAULT_DATASET_DIR = fileURLToPath(new URL('../../../shared/datasets/engagement', import.meta.url));

export type EngagementDataset = {
  /** Histories with every outcome of the dataset: features see only those before the as-of date, labels the later ones. */
  histories: ContactHistory[];
  /** UTC midnight of the first event's day. */
  historyStart: number;
  eventCount: number;
};

export async function loadEngagementDataset(dir: string = DEFAULT_DATASET_DIR): Promise<EngagementDataset> {
  const contacts = readContactsCsv(path.join(dir, 'contacts.csv'));
  const outcomes = readOutcomesCsv(path.join(dir, 'outcomes.csv'));
  const events = await readEventsCsv(path.join(dir, 'events.csv.gz'), new Set(contacts.map((contact) => contact.id)));
  return {
    histories: contacts.map((contact) => prepareContactHistory(contact, events.byContact.get(contact.id) ?? [], outcomes.get(contact.id) ?? [])),
    historyStart: Math.floor(events.firstAt / DAY_MS) * DAY_MS,
    eventCount: events.count,
  };
}
