// The owner's financial position on a property: the loan's balance from its amortisation schedule,
// equity and loan-to-value against the estimate, the equity timeline and a refinance break-even.
// The loan is assumed to start on the purchase date (the records hold no separate origination date).
import type { Loan } from '../../models/finance/amortisation.ts';
import { amortisationSchedule, analyseRefinance, balanceAfter, monthlyPayment, monthsBetween } from '../../models/finance/amortisation.ts';
import type { LoanPosition, PropertyDetail, RefinanceAnalysis, ValueHistoryPoint } from '../ipc/contract.ts';
import type { PropertyRow } from './property-subject.ts';

/** What the refinance panel starts from until the user types a rate. */
export const REFINANCE_DEFAULTS = {
  /** Refinancing is usually worth a look once rates are about a point below the loan's. */
  rateDropPoints: 1,
  newTermYears: 30,
  /** Closing costs run 2–5% of the loan; 3% is the middle of that range. */
  closingCostPercent: 3,
} as const;

export function addMonths(date: string, months: number): string {
  const at = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  at.setUTCMonth(at.getUTCMonth() + months);
  return at.toISOString().slice(0, 10);
}

type LoanRecord = { loan: Loan; start: string };

export function loanOf(row: PropertyRow): LoanRecord | null {
  const { loanOriginal, loanRate, loanTermYears, purchaseDate } = row;
  if (!loanOriginal || loanOriginal <= 0 || loanRate === null || !loanTermYears || !purchaseDate) return null;
  return { loan: { principal: loanOriginal, ratePercent: loanRate, termYears: loanTermYears }, start: purchaseDate };
}

export function loanPosition(row: PropertyRow, asOf: string, estimate: number | null): LoanPosition | null {
  const record = loanOf(row);
  if (!record) return null;
  const { loan, start } = record;
  const monthsPaid = Math.min(Math.max(monthsBetween(start, asOf), 0), loan.termYears * 12);
  const balance = balanceAfter(loan, monthsPaid);
  return {
    asOf,
    original: loan.principal,
    ratePercent: loan.ratePercent,
    termYears: loan.termYears,
    monthlyPayment: monthlyPayment(loan),
    monthsPaid,
    balance,
    equity: estimate === null ? null : estimate - balance,
    loanToValue: estimate === null || estimate <= 0 ? null : balance / estimate,
    payoffDate: addMonths(start, loan.termYears * 12),
  };
}

export function refinanceAnalysis(
  position: LoanPosition | null,
  input: { newRatePercent: number; newTermYears: number; closingCostPercent: number },
): RefinanceAnalysis | null {
  if (!position || position.balance <= 0) return null;
  const analysis = analyseRefinance({ currentPayment: position.monthlyPayment, balance: position.balance, ...input });
  return { ...analysis, balance: position.balance, ...input };
}

export const defaultRefinanceRate = (position: LoanPosition) => Math.max(0, position.ratePercent - REFINANCE_DEFAULTS.rateDropPoints);

/**
 * Value against loan balance over time: the purchase price on the purchase date, every valuation of the
 * value history, and the loan balance every year from the purchase to its payoff.
 */
export function equityTimeline(row: PropertyRow, history: readonly ValueHistoryPoint[]): PropertyDetail['equityTimeline'] {
  const byDate = new Map<string, { value: number | null; balance: number | null }>();
  const at = (date: string) => {
    let point = byDate.get(date);
    if (!point) byDate.set(date, (point = { value: null, balance: null }));
    return point;
  };
  if (row.purchaseDate && row.purchasePrice) at(row.purchaseDate).value = row.purchasePrice;
  for (const point of history) at(point.valuedAt).value = point.estimate;
  const record = loanOf(row);
  if (record) {
    for (const step of amortisationSchedule(record.loan, 12)) at(addMonths(record.start, step.month)).balance = step.balance;
    // The balance on each valuation date too, so equity reads straight off the chart there.
    for (const point of history) {
      const months = monthsBetween(record.start, point.valuedAt);
      if (months >= 0) at(point.valuedAt).balance = balanceAfter(record.loan, months);
    }
  }
  return [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, point]) => ({ date, ...point }));
}
