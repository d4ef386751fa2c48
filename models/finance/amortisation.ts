// Fixed-rate mortgage arithmetic (standard annuity amortisation): the payment, the balance after some
// payments, the schedule, and when a refinance pays for itself. Rates are annual percentages (6.5 = 6.5%),
// compounded monthly as US mortgages are quoted.

export type Loan = { principal: number; ratePercent: number; termYears: number };

const monthlyRate = (ratePercent: number) => ratePercent / 1200;

/** Monthly principal-and-interest payment (no taxes or insurance). */
export function monthlyPayment(loan: Loan): number {
  const n = loan.termYears * 12;
  if (n <= 0 || loan.principal <= 0) return 0;
  const r = monthlyRate(loan.ratePercent);
  return r === 0 ? loan.principal / n : (loan.principal * r) / (1 - (1 + r) ** -n);
}

/** What is still owed after `monthsPaid` payments (0 once the term is over). */
export function balanceAfter(loan: Loan, monthsPaid: number): number {
  const n = loan.termYears * 12;
  if (monthsPaid >= n) return 0;
  if (monthsPaid <= 0) return loan.principal;
  const r = monthlyRate(loan.ratePercent);
  if (r === 0) return loan.principal * (1 - monthsPaid / n);
  const grow = (1 + r) ** n;
  return (loan.principal * (grow - (1 + r) ** monthsPaid)) / (grow - 1);
}

/** Whole months from `from` to `to` (YYYY-MM-DD or ISO), counting a month once its day is reached. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.slice(0, 10).split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

export type SchedulePoint = { month: number; balance: number; principalPaid: number; interestPaid: number };

/** The balance every `everyMonths` months from the start to payoff (the last point is the payoff month). */
export function amortisationSchedule(loan: Loan, everyMonths = 12): SchedulePoint[] {
  const n = loan.termYears * 12;
  const payment = monthlyPayment(loan);
  const points: SchedulePoint[] = [];
  for (let month = 0; month <= n; month += everyMonths) {
    const balance = balanceAfter(loan, month);
    const principalPaid = loan.principal - balance;
    points.push({ month, balance, principalPaid, interestPaid: payment * month - principalPaid });
  }
  if (points[points.length - 1]!.month !== n) points.push({ month: n, balance: 0, principalPaid: loan.principal, interestPaid: payment * n - loan.principal });
  return points;
}

export type RefinanceAnalysis = {
  currentPayment: number;
  newPayment: number;
  /** Positive when the new loan costs less per month. */
  monthlySaving: number;
  closingCosts: number;
  /** Months of savings that repay the closing costs; null when the refinance never pays for itself. */
  breakEvenMonths: number | null;
};

/**
 * Refinancing `balance` into a new loan of `newTermYears` at `newRatePercent`, against keeping the
 * current payment. Closing costs are a share of the new loan (2–5% is usual); break-even is the first
 * whole month by which the cumulative saving covers them.
 */
export function analyseRefinance(input: {
  currentPayment: number;
  balance: number;
  newRatePercent: number;
  newTermYears: number;
  closingCostPercent: number;
}): RefinanceAnalysis {
  const newPayment = monthlyPayment({ principal: input.balance, ratePercent: input.newRatePercent, termYears: input.newTermYears });
  const monthlySaving = input.currentPayment - newPayment;
  const closingCosts = (input.balance * input.closingCostPercent) / 100;
  const breakEvenMonths = monthlySaving > 0 ? Math.ceil(closingCosts / monthlySaving) : null;
  return { currentPayment: input.currentPayment, newPayment, monthlySaving, closingCosts, breakEvenMonths };
}
