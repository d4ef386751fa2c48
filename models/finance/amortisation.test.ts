import { describe, expect, it } from 'vitest';
import { amortisationSchedule, analyseRefinance, balanceAfter, monthlyPayment, monthsBetween } from './amortisation.ts';

const loan = { principal: 300_000, ratePercent: 6, termYears: 30 };

describe('fixed-rate amortisation', () => {
  it('computes the textbook payment and balances', () => {
    // 300k at 6% over 30 years: $1,798.65 a month (any mortgage table).
    expect(monthlyPayment(loan)).toBeCloseTo(1798.65, 2);
    expect(balanceAfter(loan, 0)).toBe(300_000);
    expect(balanceAfter(loan, 360)).toBe(0);
    // After 10 years $251,057 is still owed.
    expect(balanceAfter(loan, 120)).toBeCloseTo(251_057.17, 1);
    expect(monthlyPayment({ principal: 120_000, ratePercent: 0, termYears: 10 })).toBe(1000);
    expect(balanceAfter({ principal: 120_000, ratePercent: 0, termYears: 10 }, 60)).toBe(60_000);
  });

  it('matches paying month by month', () => {
    const payment = monthlyPayment(loan);
    let balance = loan.principal;
    for (let month = 0; month < 85; month++) balance = balance * 1.005 - payment;
    expect(balanceAfter(loan, 85)).toBeCloseTo(balance, 6);
  });

  it('lists yearly points down to zero, principal and interest adding up to the payments', () => {
    const schedule = amortisationSchedule(loan);
    expect(schedule).toHaveLength(31);
    expect(schedule[0]).toMatchObject({ month: 0, balance: 300_000 });
    expect(schedule.at(-1)).toMatchObject({ month: 360, balance: 0 });
    const tenth = schedule[10]!;
    expect(tenth.principalPaid + tenth.interestPaid).toBeCloseTo(monthlyPayment(loan) * 120, 6);
  });

  it('counts whole months between dates', () => {
    expect(monthsBetween('2010-03-15', '2015-03-15')).toBe(60);
    expect(monthsBetween('2010-03-15', '2015-03-14')).toBe(59);
    expect(monthsBetween('2015-03-01', '2015-02-01')).toBe(-1);
  });

  it('finds the refinance break-even, or none when the new payment is not lower', () => {
    const balance = balanceAfter(loan, 60);
    const current = monthlyPayment(loan);
    const refinance = analyseRefinance({ currentPayment: current, balance, newRatePercent: 4.5, newTermYears: 30, closingCostPercent: 3 });
    expect(refinance.monthlySaving).toBeGreaterThan(0);
    expect(refinance.closingCosts).toBeCloseTo(balance * 0.03, 6);
    expect(refinance.breakEvenMonths).toBe(Math.ceil(refinance.closingCosts / refinance.monthlySaving));
    expect(analyseRefinance({ currentPayment: current, balance, newRatePercent: 9, newTermYears: 30, closingCostPercent: 3 }).breakEvenMonths).toBeNull();
  });
});
