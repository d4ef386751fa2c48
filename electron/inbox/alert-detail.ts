// One alert as its detail page shows it: why (stored reasons in words + the contact's recent signals),
// who (the contact with stage, tags and how to reach them), what (the property and its stored valuation),
// what happened so far (activities, notes, events, outcomes, newest first) and what to do next.
import type Database from 'better-sqlite3';
import type { AlertDetail, TimelineEntry } from './inbox-contract.ts';
import { OUTCOME_LABELS } from './alert-rules.ts';

export type AlertRow = {
  id: string;
  brokerage_id: string;
  contact_id: string;
  property_id: string | null;
  type: string;
  probability: number;
  priority: string;
  reasons: string;
  status: string;
  assigned_agent_id: string | null;
  snoozed_until: string | null;
  first_contacted_at: string | null;
  notified_at: string | null;
  model_version: string;
  created_at: string;
};

type Reason = AlertDetail['alert']['reasons'][number];

/** Stored reasons are `{key, text, contribution}` (models/intent/reasons.ts); older or hand-made ones may be plain text. */
export function reasonsOf(stored: unknown): Reason[] {
  let parsed: unknown = stored;
  if (typeof stored === 'string') {
    try {
      parsed = JSON.parse(stored);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((reason): Reason[] => {
    if (typeof reason === 'string') return reason.trim() ? [{ key: null, text: reason, contribution: null }] : [];
    if (reason && typeof reason === 'object' && typeof (reason as { text?: unknown }).text === 'string') {
      const { key, text, contribution } = reason as { key?: unknown; text: string; contribution?: unknown };
      return [{ key: typeof key === 'string' ? key : null, text, contribution: typeof contribution === 'number' ? contribution : null }];
    }
    return [];
  });
}

const EVENT_WORDS: Record<string, string> = {
  home_value_checked: 'Checked their home value',
  document_viewed: 'Viewed a document',
  document_downloaded: 'Downloaded a document',
  document_shared: 'Shared a document',
  email_opened: 'Opened an email',
  email_clicked: 'Clicked a link in an email',
  calculator_used: 'Used a calculator',
  comparables_viewed: 'Looked at comparable sales',
  market_report_viewed: 'Viewed a market report',
  home_search: 'Searched for homes',
  profile_updated: 'Updated their profile',
  login: 'Logged in',
};

const words = (text: string) => text.replaceAll('_', ' ');

/** An event in words ("Used a calculator (refinance)") and the reason signal it feeds. */
export function describeEvent(type: string, props: Record<string, unknown>): { text: string; signal: string } {
  const base = EVENT_WORDS[type] ?? words(type);
  if (type === 'calculator_used' && typeof props.calculator === 'string') {
    return { text: `${base} (${words(props.calculator)})`, signal: `calculator_${props.calculator}` };
  }
  if (type === 'document_viewed' && typeof props.document === 'string') {
    return { text: `${base} (${words(props.document)})`, signal: `document_${props.document}` };
  }
  if (type === 'home_search' && typeof props.zipcode === 'string') return { text: `${base} in ${props.zipcode}`, signal: 'home_search' };
  if (type === 'document_downloaded' || type === 'document_shared') {
    const what = typeof props.document === 'string' ? ` (${words(props.document)})` : '';
    return { text: `${base}${what}`, signal: type === 'document_downloaded' ? 'documents_downloaded' : 'documents_shared' };
  }
  return { text: base, signal: type };
}

const NEXT_ACTIONS: Record<string, { id: string; label: string; description: string }[]> = {
  sell: [
    { id: 'call', label: 'Call about selling', description: 'Ask about their plans and timeline; offer a no-obligation valuation.' },
    { id: 'cma', label: 'Send a market analysis', description: 'Share the estimate, its range and recent comparable sales nearby.' },
    { id: 'visit', label: 'Book a listing visit', description: 'Walk the home and agree on a listing price and date.' },
  ],
  buy: [
    { id: 'call', label: 'Call about their search', description: 'Ask what they are looking for, where and when.' },
    { id: 'listings', label: 'Send matching listings', description: 'Curate homes in the areas they searched.' },
    { id: 'preapproval', label: 'Introduce a lender', description: 'A pre-approval makes their offers stronger.' },
  ],
  refinance: [
    { id: 'call', label: 'Call about refinancing', description: 'Compare their rate with today’s; show the monthly saving and break-even.' },
    { id: 'lender', label: 'Introduce a lender', description: 'Connect them with a mortgage partner for a quote.' },
    { id: 'equity', label: 'Send an equity review', description: 'Their estimate, loan balance and what the equity allows.' },
  ],
  investment: [
    { id: 'call', label: 'Call about investing', description: 'Ask about budget, areas and rental goals.' },
    { id: 'rentals', label: 'Send rental comparables', description: 'Rents and yields for homes like the ones they looked at.' },
    { id: 'portfolio', label: 'Offer a portfolio review', description: 'Value what they own and what it could fund.' },
  ],
};

const fullName = (first: string | null, last: string | null) => `${first ?? ''} ${last ?? ''}`.trim() || 'Unnamed contact';

export function createAlertDetailQueries(sqlite: Database.Database) {
  const alert = sqlite.prepare('SELECT * FROM alerts WHERE id = ?');
  const userName = sqlite.prepare('SELECT name FROM users WHERE id = ?');
  const contact = sqlite.prepare('SELECT id, first_name, last_name, stage, tags, email, phone, zipcode FROM contacts WHERE id = ? AND deleted_at IS NULL');
  const property = sqlite.prepare(
    `SELECT id, address, bedrooms, bathrooms, sqft_living, yr_built, purchase_date, purchase_price, estimate, estimate_low, estimate_high,
      estimate_confidence, estimated_at FROM properties WHERE id = ? AND deleted_at IS NULL`,
  );
  const signalEvents = sqlite.prepare('SELECT id, type, occurred_at, props FROM events WHERE contact_id = ? AND occurred_at <= ? ORDER BY occurred_at DESC LIMIT 25');
  const recentEvents = sqlite.prepare('SELECT id, type, occurred_at, props FROM events WHERE contact_id = ? ORDER BY occurred_at DESC LIMIT 30');
  const activities = sqlite.prepare(
    'SELECT a.id, a.kind, a.summary, a.occurred_at, u.name AS who FROM activities a LEFT JOIN users u ON u.id = a.user_id WHERE a.contact_id = ? ORDER BY a.occurred_at DESC LIMIT 50',
  );
  const notes = sqlite.prepare(
    'SELECT n.id, n.body, n.created_at, u.name AS who FROM notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.contact_id = ? AND n.deleted_at IS NULL ORDER BY n.created_at DESC LIMIT 50',
  );
  const outcomes = sqlite.prepare(
    `SELECT o.id, o.alert_id, o.outcome, o.note, o.occurred_at, o.recorded_by, u.name AS who, al.type AS alert_type
     FROM alert_outcomes o LEFT JOIN users u ON u.id = o.recorded_by LEFT JOIN alerts al ON al.id = o.alert_id
     WHERE o.contact_id = ? ORDER BY o.occurred_at DESC LIMIT 50`,
  );
  const otherAlerts = sqlite.prepare('SELECT id, type, priority, probability, created_at FROM alerts WHERE contact_id = ? AND id <> ? ORDER BY created_at DESC LIMIT 10');

  const parseProps = (text: string): Record<string, unknown> => {
    try {
      const value = JSON.parse(text) as unknown;
      return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };

  return {
    alertRow: (id: string): AlertRow | null => (alert.get(id) as AlertRow | undefined) ?? null,

    describe(row: AlertRow, permissions: AlertDetail['permissions']): AlertDetail | null {
      const person = contact.get(row.contact_id) as
        | { id: string; first_name: string; last_name: string; stage: string; tags: string; email: string | null; phone: string | null; zipcode: string | null }
        | undefined;
      if (!person) return null;
      const reasons = reasonsOf(row.reasons);
      const reasonSignals = new Set(reasons.flatMap((reason) => (reason.key?.startsWith('signal:') ? [reason.key.slice('signal:'.length)] : [])));

      const signals = (signalEvents.all(row.contact_id, row.created_at) as { id: string; type: string; occurred_at: string; props: string }[]).map((event) => {
        const described = describeEvent(event.type, parseProps(event.props));
        const matched = reasonSignals.has(described.signal) || reasonSignals.has(event.type) || [...reasonSignals].some((signal) => described.signal.startsWith(signal));
        return { id: event.id, at: event.occurred_at, type: event.type, text: described.text, matched };
      });

      const outcomeRows = outcomes.all(row.contact_id) as {
        id: string;
        alert_id: string;
        outcome: string;
        note: string;
        occurred_at: string;
        recorded_by: string | null;
        who: string | null;
        alert_type: string | null;
      }[];
      const timeline: TimelineEntry[] = [
        ...(activities.all(row.contact_id) as { id: string; kind: string; summary: string; occurred_at: string; who: string | null }[]).map((a) => ({
          id: `activity:${a.id}`,
          kind: 'activity' as const,
          at: a.occurred_at,
          title: `${words(a.kind).replace(/^./, (c) => c.toUpperCase())}${a.who ? ` by ${a.who}` : ''}`,
          detail: a.summary,
        })),
        ...(notes.all(row.contact_id) as { id: string; body: string; created_at: string; who: string | null }[]).map((n) => ({
          id: `note:${n.id}`,
          kind: 'note' as const,
          at: n.created_at,
          title: `Note${n.who ? ` by ${n.who}` : ''}`,
          detail: n.body,
        })),
        ...outcomeRows.map((o) => ({
          id: `outcome:${o.id}`,
          kind: 'outcome' as const,
          at: o.occurred_at,
          title: `${OUTCOME_LABELS[o.outcome as keyof typeof OUTCOME_LABELS] ?? words(o.outcome)}${o.alert_type ? ` (${o.alert_type} alert)` : ''}${o.who ? ` — ${o.who}` : ''}`,
          detail: o.note,
        })),
        ...(recentEvents.all(row.contact_id) as { id: string; type: string; occurred_at: string; props: string }[]).map((e) => ({
          id: `event:${e.id}`,
          kind: 'event' as const,
          at: e.occurred_at,
          title: describeEvent(e.type, parseProps(e.props)).text,
          detail: '',
        })),
        ...(otherAlerts.all(row.contact_id, row.id) as { id: string; type: string; priority: string; probability: number; created_at: string }[]).map((a) => ({
          id: `alert:${a.id}`,
          kind: 'alert' as const,
          at: a.created_at,
          title: `${a.priority} ${a.type} alert`,
          detail: `${Math.round(a.probability * 100)}% likely`,
        })),
      ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

      const home = row.property_id
        ? (property.get(row.property_id) as
            | {
                id: string;
                address: string;
                bedrooms: number | null;
                bathrooms: number | null;
                sqft_living: number | null;
                yr_built: number | null;
                purchase_date: string | null;
                purchase_price: number | null;
                estimate: number | null;
                estimate_low: number | null;
                estimate_high: number | null;
                estimate_confidence: number | null;
                estimated_at: string | null;
              }
            | undefined)
        : undefined;
      let tags: string[] = [];
      try {
        const parsed = JSON.parse(person.tags) as unknown;
        if (Array.isArray(parsed)) tags = parsed.filter((tag): tag is string => typeof tag === 'string');
      } catch {
        /* a malformed tags column shows no tags */
      }
      const assignedName = row.assigned_agent_id ? ((userName.get(row.assigned_agent_id) as { name: string } | undefined)?.name ?? null) : null;
      const responseMinutes = row.first_contacted_at ? Math.max(0, Math.round((Date.parse(row.first_contacted_at) - Date.parse(row.created_at)) / 60_000)) : null;

      return {
        alert: {
          id: row.id,
          type: row.type,
          priority: row.priority,
          probability: row.probability,
          status: row.status,
          reasons,
          assignedAgentId: row.assigned_agent_id,
          assignedAgentName: assignedName,
          snoozedUntil: row.snoozed_until,
          firstContactedAt: row.first_contacted_at,
          responseMinutes,
          createdAt: row.created_at,
          modelVersion: row.model_version,
        },
        signals,
        contact: {
          id: person.id,
          name: fullName(person.first_name, person.last_name),
          stage: person.stage,
          tags,
          email: person.email,
          phone: person.phone,
          zipcode: person.zipcode,
        },
        property: home
          ? {
              id: home.id,
              address: home.address,
              bedrooms: home.bedrooms,
              bathrooms: home.bathrooms,
              sqftLiving: home.sqft_living,
              yrBuilt: home.yr_built,
              purchaseDate: home.purchase_date,
              purchasePrice: home.purchase_price,
              estimate: home.estimate,
              estimateLow: home.estimate_low,
              estimateHigh: home.estimate_high,
              estimateConfidence: home.estimate_confidence,
              estimatedAt: home.estimated_at,
            }
          : null,
        timeline,
        outcomes: outcomeRows
          .filter((o) => o.alert_id === row.id)
          .map((o) => ({ id: o.id, outcome: o.outcome, note: o.note, occurredAt: o.occurred_at, recordedBy: o.who ?? o.recorded_by })),
        nextActions: NEXT_ACTIONS[row.type] ?? [],
        permissions,
      };
    },
  };
}
