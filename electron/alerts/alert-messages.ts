// What the main thread and the alert worker say to each other (all structured-cloneable).
import type { IntentType } from '../../db/schema/vocabulary.ts';
import type { BudgetThreshold } from './alert-rules.ts';

/** One intent model as the model store has it: the ONNX file, its version, and its calibration if it came with one. */
export type IntentModelFile = { file: string; version: string; calibration: { a: number; b: number } | null };
export type IntentModelSpec = Record<IntentType, IntentModelFile>;

/** A reason as stored on an alert: the words, how much it raised the score, and the signal's recent weeks. */
export type AlertReason = {
  key: string;
  text: string;
  /** Log-odds the reason added (models/intent/reasons.ts). */
  weight: number;
  /** Weekly counts of the signal over the 12 weeks before the scoring date (oldest first), for a sparkline. */
  timeline?: { weeks: number[]; through: string };
};

/** A (contact, type) score the main thread may turn into an alert or an update: above the cut, or the contact has an open alert of the type. */
export type AlertCandidate = {
  contactId: string;
  type: IntentType;
  probability: number;
  reasons: AlertReason[];
  /**
   * Whether reasons were computed: not for an open alert whose stored score has not moved (explaining
   * costs a model run per reason group, and thousands of open alerts would pay it every night for nothing).
   */
  explained: boolean;
  /** The contact's home (the alert's property) and assigned agent, as the worker read them. */
  propertyId: string | null;
  assignedAgentId: string | null;
};

export type ScoreRequest = {
  type: 'score';
  id: number;
  /** null: every live contact of the replica. */
  contactIds: string[] | null;
  now: number;
  budgetPercent: number;
  /** The cut to use; null derives it from the budget (full runs). */
  threshold: number | null;
  /** Also return every contact's four probabilities (tests, diagnostics). */
  includeScores?: boolean;
};

export type ScoreResult = {
  /** Seconds per step (reading, scoring, explaining), for logs and the bench. */
  timings: Record<string, number>;
  asOf: number;
  historyStart: number;
  scored: number;
  /** Set when the request derived the threshold. */
  threshold: BudgetThreshold | null;
  cut: number;
  candidates: AlertCandidate[];
  scores?: { contactIds: string[]; probabilities: Record<IntentType, number[]> };
  modelVersions: Record<IntentType, string>;
  seconds: number;
};

export type WorkerRequest =
  | ScoreRequest
  | { type: 'setModels'; models: IntentModelSpec }
  /** Stop at the next batch boundary, release the models and the connection, and exit. */
  | { type: 'close' };

/**
 * A run's candidates arrive in parts before its result (whose own `candidates` is then empty): thousands of
 * them in one message would hold the main thread for the whole deserialisation.
 */
export type WorkerResponse =
  | { id: number; part: AlertCandidate[] }
  | { id: number; ok: true; result: ScoreResult }
  | { id: number; ok: false; error: string };
