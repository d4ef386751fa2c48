// Runs the learned AVM model (models/avm.onnx, written by models/train/train_avm.py) in onnxruntime-node
// and loads the calibration shipped beside it (avm.calibration.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FEATURE_NAMES } from './features.ts';
import type { Calibration } from './estimate.ts';
import { calibrationSchema } from './estimate.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../avm.onnx', import.meta.url));
/** Inputs + scikit-learn outputs of the shipped model, replayed by onnx-parity.test.ts. */
export const PARITY_FIXTURES_PATH = fileURLToPath(new URL('./fixtures/avm-parity.json', import.meta.url));

export type AvmModel = { session: ort.InferenceSession; calibration: Calibration; path: string };

export function calibrationPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/, '') + '.calibration.json';
}

/** ONNX session alone (parity tests and calibration fitting need no calibration file). */
export async function openModelSession(modelPath: string): Promise<ort.InferenceSession> {
  try {
    // One intra-op thread: batches are split across worker threads instead, and the 2-core target machine is shared.
    return await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    throw new Error(`cannot load the AVM model ${modelPath}: ${error instanceof Error ? error.message : String(error)} (run npm run models:train:avm)`, { cause: error });
  }
}

export function readCalibration(path: string): Calibration {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the AVM calibration ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = calibrationSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${path} is not a valid AVM calibration (${issues}): retrain (npm run models:train:avm)`);
  }
  const calibration = parsed.data;
  if (calibration.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
    throw new Error(`${path} was made for other features than models/valuation/features.ts defines: retrain (npm run models:train:avm)`);
  }
  return calibration;
}

export async function loadAvmModel(modelPath: string = DEFAULT_MODEL_PATH): Promise<AvmModel> {
  const calibration = readCalibration(calibrationPathFor(modelPath));
  return { session: await openModelSession(modelPath), calibration, path: modelPath };
}

/** Feature rows (row-major, FEATURE_NAMES order; NaN = unknown) → model outputs. */
export async function runModel(session: ort.InferenceSession, rows: Float32Array): Promise<Float32Array> {
  const count = rows.length / FEATURE_NAMES.length;
  const input = new ort.Tensor('float32', rows, [count, FEATURE_NAMES.length]);
  const outputs = await session.run({ [session.inputNames[0]!]: input });
  return outputs[session.outputNames[0]!]!.data as Float32Array;
}
