// The value history of each property (local_property_values): every valuation this device stored, and
// the retrospective valuations that give a property a history on the day it is first opened.
import { and, asc, eq, sql } from 'drizzle-orm';
import { localPropertyValues } from '../../db/schema/sqlite.ts';
import type { ValuationReason, ValueHistoryPoint } from '../ipc/contract.ts';
import type { LocalDatabase } from '../store/local-store.ts';

export type ValueRecord = { estimate: number; low: number; high: number; confidence: number; valuationDate: string; modelVersion: string };

export type ValueHistory = ReturnType<typeof createValueHistory>;

export function createValueHistory(db: LocalDatabase) {
  const { propertyId, reason } = localPropertyValues;
  const insert = db
    .insert(localPropertyValues)
    .values({
      propertyId: sql.placeholder('propertyId'),
      valuedAt: sql.placeholder('valuedAt'),
      estimate: sql.placeholder('estimate'),
      low: sql.placeholder('low'),
      high: sql.placeholder('high'),
      confidence: sql.placeholder('confidence'),
      modelVersion: sql.placeholder('modelVersion'),
      reason: sql.placeholder('reason'),
    })
    .prepare();
  const ofProperty = db
    .select()
    .from(localPropertyValues)
    .where(eq(propertyId, sql.placeholder('propertyId')))
    .orderBy(asc(localPropertyValues.valuedAt), asc(localPropertyValues.id))
    .prepare();
  const retrospectiveOf = db
    .select({ id: localPropertyValues.id })
    .from(localPropertyValues)
    .where(and(eq(propertyId, sql.placeholder('propertyId')), eq(reason, 'retrospective')))
    .limit(1)
    .prepare();

  return {
    record(property: string, value: ValueRecord, why: ValuationReason): void {
      insert.run({
        propertyId: property,
        valuedAt: value.valuationDate,
        estimate: Math.round(value.estimate),
        low: Math.round(value.low),
        high: Math.round(value.high),
        confidence: value.confidence,
        modelVersion: value.modelVersion,
        reason: why,
      });
    },

    /** One point per valuation date (the latest valuation of that date wins), oldest first. */
    of(property: string): ValueHistoryPoint[] {
      const byDate = new Map<string, ValueHistoryPoint>();
      for (const row of ofProperty.all({ propertyId: property })) {
        byDate.set(row.valuedAt, {
          valuedAt: row.valuedAt,
          estimate: row.estimate,
          low: row.low,
          high: row.high,
          confidence: row.confidence,
          reason: row.reason as ValuationReason,
        });
      }
      return [...byDate.values()];
    },

    hasRetrospective: (property: string): boolean => retrospectiveOf.get({ propertyId: property }) !== undefined,

    /**
     * Retrospective values come from the facts and model of when they were computed: a facts correction
     * (one property) or a new model (every property, `property` omitted) makes them stale, so they are redone.
     */
    forgetRetrospective(property?: string): void {
      const retrospective = eq(reason, 'retrospective');
      db.delete(localPropertyValues)
        .where(property === undefined ? retrospective : and(eq(propertyId, property), retrospective))
        .run();
    },
  };
}

/**
 * The first day of every month from the market data's third month up to the valuation date: the dates a
 * retrospective value is computed for (the first months give too few earlier sales to compare with).
 */
export function retrospectiveDates(firstSaleDate: string, valuationDate: string): string[] {
  const dates: string[] = [];
  let year = Number(firstSaleDate.slice(0, 4));
  let month = Number(firstSaleDate.slice(5, 7)) + 3;
  for (;;) {
    if (month > 12) {
      year += Math.floor((month - 1) / 12);
      month = ((month - 1) % 12) + 1;
    }
    const date = `${year}-${String(month).padStart(2, '0')}-01`;
    if (date >= valuationDate) return dates;
    dates.push(date);
    month += 1;
  }
}
