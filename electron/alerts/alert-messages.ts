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

/**
 * A (contact, type) score the main thread may turn into an alert or an update, with its reasons: above the
 * cut, or the contact has an open alert of the type whose stored score it moves. An open alert whose score
 * has not moved is no candidate (it would change nothing, and explaining costs a model run per reason
 * group): the run only counts it (ScoreResult.openUnchangedAboveCut).
 */
export type AlertCandidate = {
  contactId: string;
  type: IntentType;
  probability: number;
  reasons: AlertReason[];
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
  /** Empty from the worker thread: the main thread pulls them part by part (see `candidates` requests). */
  candidates: AlertCandidate[];
  /** The worker keeps this run's candidates until the next run: how many, and the run's id to ask for them. */
  candidateCount: number;
  /** Pairs above the cut held back by an open alert of theirs whose stored score has not moved. */
  openUnchangedAboveCut: number;
  run: number;
  scores?: { contactIds: string[]; probabilities: Record<IntentType, number[]> };
  modelVersions: Record<IntentType, string>;
  seconds: number;
};

export type WorkerRequest =
  | ScoreRequest
  | { type: 'setModels'; models: IntentModelSpec }
  /** Stop at the next batch boundary, release the models and the connection, and exit. */
  | { type: 'close' }
  /** Candidates [start, start + count) of the last run (`run`): the main thread pulls a part when it is ready for it. */
  | { type: 'candidates'; id: number; run: number; start: number; count: number };

/**
 * A run's candidates stay in the worker and are pulled in parts: posted all at once, the main thread would
 * deserialise every message in one turn of its event loop (a port delivers its whole queue), ~1 s for a
 * full run that rewrites thousands of alerts.
 */
export type WorkerResponse =
  | { id: number; candidates: AlertCandidate[] }
  | { id: number; ok: true; result: ScoreResult }
  | { id: number; ok: false; error: string };
