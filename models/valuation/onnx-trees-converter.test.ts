// models/train/onnx_trees.py (our sklearn → ONNX tree converter, shared with the intent models) checked
// end to end: small models of every supported kind are fitted and exported by Python, then replayed
// through onnxruntime-node. Needs /usr/bin/python3 with sklearn + onnx: skipped without it, except in CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const PYTHON = process.env.ROI_PYTHON ?? '/usr/bin/python3';
const TRAIN_DIR = fileURLToPath(new URL('../train', import.meta.url));
const pythonReady = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn, onnx']).status === 0;
if (!pythonReady && process.env.CI === 'true') throw new Error(`${PYTHON} with sklearn and onnx is required in CI`);
if (!pythonReady) console.warn(`skipping the ONNX converter test: ${PYTHON} lacks sklearn or onnx`);

const KINDS = ['gbr_value', 'gbc_probability', 'gbc_margin', 'hgbr_value', 'hgbc_probability', 'hgbc_margin'] as const;

const SCRIPT = `
import sys, numpy as np, onnx
sys.path.insert(0, sys.argv[1])
from onnx_trees import to_onnx, save_parity_fixtures
from sklearn.ensemble import GradientBoostingRegressor, GradientBoostingClassifier, HistGradientBoostingRegressor, HistGradientBoostingClassifier
rng = np.random.default_rng(3)
X = rng.normal(size=(400, 4)) * [1, 10, 1000, 1e-3]
X_missing = X.copy(); X_missing[rng.random(X.shape) < 0.1] = np.nan
y = 3 * X[:, 0] + np.sin(X[:, 1]) + (X[:, 2] > 0) + 13
labels = (y > 13.5).astype(int)
for name, model, data, target in [
    ("gbr", GradientBoostingRegressor(n_estimators=200, max_depth=4, random_state=0), X, y),
    ("gbc", GradientBoostingClassifier(n_estimators=60, random_state=0), X, labels),
    ("hgbr", HistGradientBoostingRegressor(max_iter=200, random_state=0), X_missing, y),
    ("hgbc", HistGradientBoostingClassifier(max_iter=60, random_state=0), X_missing, labels),
]:
    model.fit(data, target)
    outputs = ["value"] if name.endswith("r") else ["probability", "margin"]
    for output in outputs:
        proto = to_onnx(model, ["a", "b", "c", "d"], output=output)
        onnx.save(proto, f"{sys.argv[2]}/{name}_{output}.onnx")
        save_parity_fixtures(model, proto, data[:100], f"{sys.argv[2]}/{name}_{output}.json")
`;

type Fixtures = { inputs: (number | null)[][]; expected: number[]; input_name: string; output_name: string; tolerance: number };

describe.runIf(pythonReady)('onnx_trees.py converter', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-onnx-trees-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports models that onnxruntime-node evaluates like scikit-learn (≤ 1e-5)', async () => {
    const result = spawnSync(PYTHON, ['-c', SCRIPT, TRAIN_DIR, dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(result.status, result.stderr).toBe(0);
    for (const kind of KINDS) {
      const fixtures = JSON.parse(readFileSync(path.join(dir, `${kind}.json`), 'utf8')) as Fixtures;
      const session = await ort.InferenceSession.create(path.join(dir, `${kind}.onnx`));
      const data = Float32Array.from(fixtures.inputs.flat(), (x) => x ?? Number.NaN);
      const outputs = await session.run({ [fixtures.input_name]: new ort.Tensor('float32', data, [fixtures.inputs.length, 4]) });
      const values = outputs[fixtures.output_name]!.data as Float32Array;
      const worst = Math.max(...fixtures.expected.map((expected, i) => Math.abs(values[i]! - expected)));
      expect(worst, kind).toBeLessThanOrEqual(1e-5);
      await session.release();
    }
  });
});
