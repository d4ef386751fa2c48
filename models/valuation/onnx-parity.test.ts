// The shipped model must compute in onnxruntime-node what scikit-learn computed: the fixtures hold
// inputs and sklearn's outputs written by train_avm.py (models/train/onnx_trees.py's converter).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from './features.ts';
import { DEFAULT_MODEL_PATH, PARITY_FIXTURES_PATH, openModelSession, runModel } from './model-runner.ts';

type Fixtures = { feature_names: string[]; inputs: (number | null)[][]; expected: number[]; tolerance: number };

describe('models/avm.onnx parity with scikit-learn', () => {
  const fixtures = JSON.parse(readFileSync(PARITY_FIXTURES_PATH, 'utf8')) as Fixtures;

  it('was exported for the features features.ts defines', () => {
    expect(fixtures.feature_names).toEqual([...FEATURE_NAMES]);
  });

  it('replays every fixture row within 1e-5', async () => {
    const session = await openModelSession(DEFAULT_MODEL_PATH);
    const rows = Float32Array.from(fixtures.inputs.flat(), (x) => x ?? Number.NaN);
    const outputs = await runModel(session, rows);
    const worst = Math.max(...fixtures.expected.map((expected, i) => Math.abs(outputs[i]! - expected)));
    expect(fixtures.inputs.some((row) => row.includes(null))).toBe(true); // missing values are exercised
    expect(worst).toBeLessThanOrEqual(1e-5);
    await session.release();
  });
});
