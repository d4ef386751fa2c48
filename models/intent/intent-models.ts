// Runs the four committed intent models: one ONNX tree ensemble per type (its raw margin, through
// onnxruntime-node) followed by that type's Platt calibration from the manifest, giving the probability
// that the outcome happens within 90 days. The manifest (models/intent-models.json, written by training)
// also records the feature order the models were trained on; loading refuses a mismatch with FEATURE_NAMES
// rather than scoring garbage.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';

/** Where the committed models live (`models/`). */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST_FILE = 'intent-models.json';

const typeModelSchema = z.object({
  file: z.string(),
  /** The ONNX graph's input and output (the converter's raw log-odds output). */
  input: z.string(),
  output: z.string(),
  /** p = sigmoid(a · margin + b), fitted on held-out rows. */
  calibration: z.object({ method: z.literal('platt'), a: z.number(), b: z.number() }),
  /** Normalised gain importance per feature (same order as featureNames); reasons weigh signals by it. */
  importance: z.array(z.number()),
});

const manifestSchema = z.object({
  version: z.string(),
  featureNames: z.array(z.string()),
  /** Mean of each feature over the training population (null: never present), the reference of the reasons. */
  population: z.object({ mean: z.array(z.number().nullable()) }),
  models: z.object(Object.fromEntries(INTENT_TYPES.map((type) => [type, typeModelSchema])) as Record<IntentType, typeof typeModelSchema>),
});
export type IntentManifest = z.infer<typeof manifestSchema>;

export type IntentProbabilities = Record<IntentType, Float64Array>;

export type IntentModels = {
  manifest: IntentManifest;
  /** Probabilities for `rows` feature rows laid out row-major in `features` (FEATURE_COUNT floats a row). */
  score(features: Float32Array, rows: number): Promise<IntentProbabilities>;
  /** Raw log-odds of one type's model, before calibration (parity tests). */
  margins(type: IntentType, features: Float32Array, rows: number): Promise<Float32Array>;
  dispose(): Promise<void>;
};

export function calibrate(margin: number, calibration: { a: number; b: number }): number {
  return 1 / (1 + Math.exp(-(calibration.a * margin + calibration.b)));
}

export function readManifest(dir: string = DEFAULT_MODELS_DIR): IntentManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the intent model manifest ${file}: ${error instanceof Error ? error.message : String(error)}. Run \`npm run models:train:intent\`.`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not an intent model manifest: ${parsed.error.message}`);
  const manifest = parsed.data;
  const mismatch = manifest.featureNames.length !== FEATURE_COUNT || manifest.featureNames.some((name, i) => name !== FEATURE_NAMES[i]);
  if (mismatch) {
    throw new Error(`${file} was trained on other features than models/intent/features.ts computes: retrain with \`npm run models:train:intent\`.`);
  }
  return manifest;
}

export type PlattCalibration = { a: number; b: number };

/**
 * Intra-op threads per model run: the calling thread and one pool thread, which sleeps between runs
 * (spinning off). On the two cores these machines have, a 4,096-row run is split by rows, so the results
 * are exactly those of one thread, and four models over 100k contacts took 1.5–1.6 s instead of 2.1 in
 * `npm run bench -- --only scoring.contacts` (2026-12-07). With spinning on (onnxruntime's default) the
 * pool thread busy-waits between chunks, and two threads were twice as slow as one.
 */
export const INTENT_ONNX_THREADS = 2;

export type LoadOptions = {
  dir?: string;
  /** onnxruntime intra-op threads per model (default INTENT_ONNX_THREADS). */
  threads?: number;
  /**
   * Per type, an ONNX file to use instead of the manifest's (the app's model store: a version downloaded
   * from the server's registry), and its Platt calibration when it came with one (else the manifest's).
   */
  files?: Partial<Record<IntentType, string>>;
  calibrations?: Partial<Record<IntentType, PlattCalibration>>;
};

export async function loadIntentModels(options: LoadOptions = {}): Promise<IntentModels> {
  const dir = options.dir ?? DEFAULT_MODELS_DIR;
  const read = readManifest(dir);
  const manifest: IntentManifest = {
    ...read,
    models: Object.fromEntries(
      INTENT_TYPES.map((type) => {
        const calibration = options.calibrations?.[type];
        return [type, calibration ? { ...read.models[type], calibration: { method: 'platt' as const, a: calibration.a, b: calibration.b } } : read.models[type]];
      }),
    ) as IntentManifest['models'],
  };
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? INTENT_ONNX_THREADS,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const sessions = {} as Record<IntentType, ort.InferenceSession>;
  for (const type of INTENT_TYPES) {
    const file = options.files?.[type] ?? path.join(dir, manifest.models[type].file);
    try {
      sessions[type] = await ort.InferenceSession.create(file, sessionOptions);
    } catch (error) {
      throw new Error(`Cannot load the ${type} intent model ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  const margins = async (type: IntentType, features: Float32Array, rows: number): Promise<Float32Array> => {
    if (features.length < rows * FEATURE_COUNT) throw new Error(`Expected ${rows} rows of ${FEATURE_COUNT} features, got ${features.length} values`);
    const model = manifest.models[type];
    const input = new ort.Tensor('float32', features.subarray(0, rows * FEATURE_COUNT), [rows, FEATURE_COUNT]);
    const result = await sessions[type].run({ [model.input]: input });
    const output = result[model.output];
    if (!output) throw new Error(`The ${type} model has no output '${model.output}'`);
    return output.data as Float32Array;
  };

  return {
    manifest,
    margins,
    async score(features, rows) {
      const probabilities = {} as IntentProbabilities;
      for (const type of INTENT_TYPES) {
        const raw = await margins(type, features, rows);
        const { calibration } = manifest.models[type];
        const out = new Float64Array(rows);
        for (let i = 0; i < rows; i++) out[i] = calibrate(raw[i]!, calibration);
        probabilities[type] = out;
      }
      return probabilities;
    },
    async dispose() {
      await Promise.all(INTENT_TYPES.map((type) => sessions[type].release()));
    },
  };
}
