import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatures, FEATURE_NAMES, type FeatureContext } from './features.ts';
import { DAY_MS, parseUtc, type IntentContact, type IntentEvent } from './intent-inputs.ts';
import { loadIntentModels, type IntentModels } from './intent-models.ts';
import { loadMarketRates } from './market-rates.ts';
import { explainScore, REASON_GROUPS } from './reasons.ts';

const AS_OF = parseUtc('2014-06-30');
const context: FeatureContext = { rates: loadMarketRates(), historyStart: parseUtc('2013-06-01'), outcomesKnown: false };
const contact: IntentContact = {
  id: 'c_1', isOwner: true, zipcode: '98103', purchaseDate: parseUtc('2002-05-01'), purchasePrice: 250_000, loanOriginal: 220_000, loanRate: 6.75,
  loanTermYears: 30, estimatedValue: 520_000, sqftLiving: 1900, bedrooms: 3, yearBuilt: 1978, grade: 7, householdSize: 3, ageBand: '45-54', source: 'past_client',
};
const refinanceBurst: IntentEvent[] = [
  ...[1, 2, 4, 6, 9, 12, 15].map((days): IntentEvent => ({ type: 'calculator_used', at: AS_OF - days * DAY_MS + 3_600_000, detail: 'refinance' })),
  ...[2, 5, 8].map((days): IntentEvent => ({ type: 'document_downloaded', at: AS_OF - days * DAY_MS, detail: 'mortgage_statement' })),
  ...[1, 3, 6, 200].map((days): IntentEvent => ({ type: 'home_value_checked', at: AS_OF - days * DAY_MS })),
];

let models: IntentModels;
beforeAll(async () => {
  models = await loadIntentModels();
});
afterAll(async () => {
  await models.dispose();
});

describe('reasons', () => {
  it('groups every feature exactly once', () => {
    const grouped = REASON_GROUPS.flatMap((group) => group.features);
    expect(grouped).toHaveLength(FEATURE_NAMES.length);
    expect(new Set(grouped).size).toBe(FEATURE_NAMES.length);
  });

  it('puts the signals that raised a refinance score first, in words', async () => {
    const row = buildFeatures(contact, refinanceBurst, [], AS_OF, context);
    const probability = (await models.score(row, 1)).refinance[0]!;
    expect(probability).toBeGreaterThan(0.3);
    const reasons = await explainScore(models, 'refinance', row);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.length).toBeLessThanOrEqual(3);
    expect(reasons.map((reason) => reason.contribution)).toEqual([...reasons.map((reason) => reason.contribution)].sort((a, b) => b - a));
    expect(reasons.every((reason) => reason.contribution > 0 && reason.text.length > 10)).toBe(true);
    expect(reasons.map((reason) => reason.key)).toEqual(expect.arrayContaining([expect.stringMatching(/^(signal:calculator_refinance|burst:refinance|signal:document_mortgage_statement)$/)]));
    const calculator = reasons.find((reason) => reason.key === 'signal:calculator_refinance');
    if (calculator) expect(calculator.text).toBe('4 uses of the refinance calculator in the last 7 days (7 in 30), none in the months before');
  });
});
