// The intent models as the model store has them: one ONNX file per type ('intent-sell' …), shipped with
// the app or downloaded from the server's registry. A registry version may carry its own Platt
// calibration in its metadata; otherwise the manifest's (models/intent-models.json) applies.
import { INTENT_TYPES } from '../../db/schema/vocabulary.ts';
import type { ModelStore } from '../models/model-store.ts';
import type { IntentModelSpec } from './alert-messages.ts';

export const intentModelName = (type: string) => `intent-${type}`;
export const isIntentModel = (name: string) => name.startsWith('intent-');

function plattOf(value: unknown): { a: number; b: number } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { a, b } = value as Record<string, unknown>;
  return typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b) ? { a, b } : null;
}

/** The four models to score with now, or null while any of them is missing. */
export function intentModelSpec(store: Pick<ModelStore, 'current'>): IntentModelSpec | null {
  const spec = {} as IntentModelSpec;
  for (const type of INTENT_TYPES) {
    const model = store.current(intentModelName(type));
    if (!model) return null;
    spec[type] = { file: model.file, version: model.version, calibration: plattOf(model.metadata.calibration) };
  }
  return spec;
}
