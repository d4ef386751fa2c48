import { Alert, Divider, Group, NumberInput, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { LoanPosition, RefinanceAnalysis } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { formatDate, formatMoney, formatPercent } from '../utils/formatValue.ts';

export type FinancialPanelProps = {
  propertyId: string;
  loan: LoanPosition | null;
  /** The analysis at the default rate, until the user types another. */
  refinance: RefinanceAnalysis | null;
  estimate: number | null;
};

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId}>
        {value}
      </Text>
    </div>
  );
}

/** Equity, loan-to-value, the payment and whether a refinance at a rate the agent types pays off, and when. */
export function FinancialPanel({ propertyId, loan, refinance: initial, estimate }: FinancialPanelProps) {
  const api = useApi();
  const [rate, setRate] = useState<number | string>(initial?.newRatePercent ?? '');
  const [closingCosts, setClosingCosts] = useState<number | string>(initial?.closingCostPercent ?? 3);
  // Primitives, not an object: a fresh object every render would restart the debounce forever.
  const [debouncedRate] = useDebouncedValue(rate, 250);
  const [debouncedCosts] = useDebouncedValue(closingCosts, 250);
  const [refinance, setRefinance] = useState(initial);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!initial || typeof debouncedRate !== 'number' || typeof debouncedCosts !== 'number') return;
    if (debouncedRate === initial.newRatePercent && debouncedCosts === initial.closingCostPercent) return setRefinance(initial);
    let current = true;
    api.analyzeRefinance({ id: propertyId, newRatePercent: debouncedRate, closingCostPercent: debouncedCosts, newTermYears: initial.newTermYears }).then(
      (next) => {
        if (!current) return;
        setRefinance(next);
        setError(null);
      },
      (cause: unknown) => current && setError(errorMessage(cause)),
    );
    return () => {
      current = false;
    };
  }, [api, propertyId, initial, debouncedRate, debouncedCosts]);

  if (!loan) {
    return (
      <Paper withBorder p="lg" h="100%">
        <Text fw={600} mb="xs">
          Financials
        </Text>
        <Text size="sm" c="dimmed">
          No mortgage on record for this home{estimate === null ? '.' : `: all of its ${formatMoney(estimate)} is equity.`}
        </Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder p="lg" h="100%">
      <Stack gap="sm">
        <div>
          <Text fw={600}>Financials</Text>
          <Text size="xs" c="dimmed">
            As of {formatDate(loan.asOf)}: {formatMoney(loan.original)} at {formatPercent(loan.ratePercent, 3)} over {loan.termYears} years, paid off{' '}
            {formatDate(loan.payoffDate)}.
          </Text>
        </div>
        <SimpleGrid cols={3} spacing="sm">
          <Figure label="Equity" value={formatMoney(loan.equity)} testId="equity" />
          <Figure label="Loan-to-value" value={loan.loanToValue === null ? '—' : formatPercent(loan.loanToValue * 100, 0)} testId="ltv" />
          <Figure label="Loan balance" value={formatMoney(loan.balance)} />
          <Figure label="Monthly payment" value={formatMoney(loan.monthlyPayment)} />
          <Figure label="Payments made" value={`${loan.monthsPaid} of ${loan.termYears * 12}`} />
        </SimpleGrid>
        <Divider label="Refinance" labelPosition="left" />
        {loan.balance <= 0 ? (
          <Text size="sm" c="dimmed">
            The loan is paid off: nothing to refinance.
          </Text>
        ) : (
          <>
            <Group grow>
              <NumberInput label="New rate (%)" value={rate} onChange={setRate} min={0} max={20} step={0.125} decimalScale={3} />
              <NumberInput label="Closing costs (% of loan)" value={closingCosts} onChange={setClosingCosts} min={0} max={10} step={0.5} decimalScale={2} />
            </Group>
            {error && (
              <Alert color="red" variant="light">
                {error}
              </Alert>
            )}
            {refinance && (
              <SimpleGrid cols={3} spacing="sm" aria-live="polite">
                <Figure label={`New payment (${refinance.newTermYears} yr)`} value={formatMoney(refinance.newPayment)} />
                <Figure label="Monthly saving" value={formatMoney(refinance.monthlySaving)} />
                <Figure
                  label={`Break-even (costs ${formatMoney(refinance.closingCosts)})`}
                  value={refinance.breakEvenMonths === null ? 'Never — no saving' : `${refinance.breakEvenMonths} months`}
                  testId="break-even"
                />
              </SimpleGrid>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
