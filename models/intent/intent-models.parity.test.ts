// Replays the parity fixtures written at training time (inputs + scikit-learn's outputs) through
// onnxruntime-node and the TypeScript calibration: what the app computes must be what was trained.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';
import { loadIntentModels, type IntentModels } from './intent-models.ts';

type Fixture = {
  feature_names: string[];
  output: string;
  tolerance: number;
  inputs: (number | null)[][];
  expected: number[];
  calibration: { method: 'platt'; a: number; b: number };
  expected_probability: number[];
};

const readFixture = (type: IntentType) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/intent-${type}.parity.json`, import.meta.url)), 'utf8')) as Fixture;

let models: IntentModels;
beforeAll(async () => {
  models = await loadIntentModels();
});
afterAll(async () => {
  await models.dispose();
});

describe.each(INTENT_TYPES)('the %s model', (type) => {
  const fixture = readFixture(type);
  const rows = fixture.inputs.length;
  const features = new Float32Array(rows * FEATURE_COUNT);
  fixture.inputs.forEach((row, r) => row.forEach((value, f) => (features[r * FEATURE_COUNT + f] = value ?? Number.NaN)));

  it('was trained on the features the builder computes, in its order', () => {
    expect(fixture.feature_names).toEqual(FEATURE_NAMES);
    expect(fixture.output).toBe('margin');
    expect(models.manifest.models[type].calibration).toEqual(fixture.calibration);
    expect(fixture.inputs.some((row) => row.includes(null))).toBe(true); // missing values are covered
  });

  it('gives scikit-learn’s margins through onnxruntime-node', async () => {
    const margins = await models.margins(type, features, rows);
    const worst = Math.max(...fixture.expected.map((expected, i) => Math.abs(margins[i]! - expected)));
    expect(worst).toBeLessThanOrEqual(1e-5);
  });

  it('gives the calibrated probabilities through the TypeScript calibration', async () => {
    const probabilities = (await models.score(features, rows))[type];
    const worst = Math.max(...fixture.expected_probability.map((expected, i) => Math.abs(probabilities[i]! - expected)));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(new Set(fixture.expected_probability.map((p) => p.toFixed(3))).size).toBeGreaterThan(5); // a spread of scores, not one value
  });
});

describe('onnxruntime threads', () => {
  it('two intra-op threads give exactly the margins of one, whatever the batch size', async () => {
    const one = await loadIntentModels({ threads: 1 });
    const two = await loadIntentModels({ threads: 2 });
    try {
      let seed = 7;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      for (const rows of [1, 60, 129, 4_096]) {
        const features = new Float32Array(rows * FEATURE_COUNT);
        for (let i = 0; i < features.length; i++) features[i] = random() * (i % 3 === 0 ? 30 : 2);
        for (const type of INTENT_TYPES) {
          expect(Array.from(await two.margins(type, features, rows))).toEqual(Array.from(await one.margins(type, features, rows)));
        }
      }
    } finally {
      await one.dispose();
      await two.dispose();
    }
  });
});
