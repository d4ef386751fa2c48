// Gathers a recipient's merge context from the local replica: the contact, their main home (highest
// estimate), their most urgent open alert, the sender and the brokerage. Read once per message.
import type Database from 'better-sqlite3';
import type { MergeContext } from './merge-tags.ts';

export type Sender = { id: string; name: string; email: string; brokerageId: string | null };

type Statements = { contact: Database.Statement; property: Database.Statement; alert: Database.Statement; brokerage: Database.Statement };
const cache = new WeakMap<Database.Database, Statements>();

function statements(sqlite: Database.Database): Statements {
  let found = cache.get(sqlite);
  if (!found) {
    found = {
      contact: sqlite.prepare('SELECT id, first_name, last_name, email, phone, zipcode, stage FROM contacts WHERE id = ? AND deleted_at IS NULL'),
      property: sqlite.prepare(
        `SELECT address, zipcode, estimate, estimate_low, estimate_high, bedrooms, bathrooms, sqft_living, yr_built, purchase_date, purchase_price,
                loan_original, loan_rate, loan_term_years
         FROM properties WHERE contact_id = ? AND deleted_at IS NULL ORDER BY estimate IS NULL, estimate DESC, id LIMIT 1`,
      ),
      alert: sqlite.prepare(
        `SELECT type, priority FROM alerts WHERE contact_id = ? AND status NOT IN ('converted', 'dismissed')
         ORDER BY CASE priority WHEN 'CRITICAL' THEN 3 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 1 ELSE 0 END DESC, probability DESC, id LIMIT 1`,
      ),
      brokerage: sqlite.prepare('SELECT name, postal_address FROM brokerages WHERE id = ?'),
    };
    cache.set(sqlite, found);
  }
  return found;
}

type Row = Record<string, unknown>;
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** The brokerage's name and postal address (every message's footer carries the address). */
export function brokerageOf(sqlite: Database.Database, brokerageId: string | null): MergeContext['brokerage'] {
  if (!brokerageId) return null;
  const row = statements(sqlite).brokerage.get(brokerageId) as Row | undefined;
  return row ? { name: String(row.name), postalAddress: String(row.postal_address ?? '') } : null;
}

/** The context of one contact, or null when the contact is gone from this device. */
export function recipientContext(sqlite: Database.Database, contactId: string, sender: Sender, now: Date, unsubscribeUrl: string | null): MergeContext | null {
  const s = statements(sqlite);
  const contact = s.contact.get(contactId) as Row | undefined;
  if (!contact) return null;
  const property = s.property.get(contactId) as Row | undefined;
  const alert = s.alert.get(contactId) as Row | undefined;
  return {
    contact: {
      id: String(contact.id),
      firstName: String(contact.first_name ?? ''),
      lastName: String(contact.last_name ?? ''),
      email: str(contact.email),
      phone: str(contact.phone),
      zipcode: str(contact.zipcode),
      stage: String(contact.stage ?? ''),
    },
    property: property
      ? {
          address: String(property.address ?? ''),
          zipcode: str(property.zipcode),
          estimate: num(property.estimate),
          estimateLow: num(property.estimate_low),
          estimateHigh: num(property.estimate_high),
          bedrooms: num(property.bedrooms),
          bathrooms: num(property.bathrooms),
          sqftLiving: num(property.sqft_living),
          yrBuilt: num(property.yr_built),
          purchaseDate: str(property.purchase_date),
          purchasePrice: num(property.purchase_price),
          loanOriginal: num(property.loan_original),
          loanRate: num(property.loan_rate),
          loanTermYears: num(property.loan_term_years),
        }
      : null,
    agent: { name: sender.name, email: sender.email },
    brokerage: brokerageOf(sqlite, sender.brokerageId),
    alert: alert ? { type: String(alert.type), priority: String(alert.priority) } : null,
    unsubscribeUrl,
    now,
  };
}
