// Evaluation by the measurement protocol (metrics.ts), two ways:
//  - evaluateModels(): scores contact histories through the same path as `roi score` (features, ONNX,
//    calibration, events strictly before each date) and compares with their later outcomes; training uses
//    it on contacts and dates its evaluation models never saw.
//  - as a command, on a scores file written by `roi score` and an outcomes file:
//      npx tsx models/intent/evaluate.ts --scores scores.csv --outcomes outcomes.csv
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { INTENT_TYPES } from '../../db/schema/vocabulary.ts';
import { readOutcomesCsv } from './engagement-csv.ts';
import type { ContactHistory, FeatureContext } from './features.ts';
import { isoDate, parseUtc, type KnownOutcome } from './intent-inputs.ts';
import type { IntentModels } from './intent-models.ts';
import { formatMetrics, protocolMetrics, type ProtocolMetrics, type ScoredPair } from './metrics.ts';
import { scoreHistories } from './score-contacts.ts';
import { hasOutcomeWithin } from './training-data.ts';

export async function evaluateModels(
  histories: readonly ContactHistory[],
  asOfDates: readonly number[],
  context: FeatureContext,
  models: IntentModels,
): Promise<ProtocolMetrics> {
  const pairs: ScoredPair[] = [];
  await scoreHistories(histories, asOfDates, context, models, ({ asOf, histories: batch, probabilities }) => {
    const date = isoDate(asOf);
    batch.forEach((history, i) => {
      for (const type of INTENT_TYPES) {
        pairs.push({ asOf: date, contactId: history.contact.id, type, score: probabilities[type][i]!, label: hasOutcomeWithin(history.outcomes, type, asOf) });
      }
    });
  });
  return protocolMetrics(pairs);
}

/** Pairs from a `roi score` output file, labelled with the outcomes. */
export function pairsFromScoresFile(scoresFile: string, outcomes: ReadonlyMap<string, readonly KnownOutcome[]>): ScoredPair[] {
  const rows = parse(readFileSync(scoresFile), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.flatMap((row, i) => {
    const asOf = parseUtc(row.as_of ?? '');
    if (!row.contact_id || !Number.isFinite(asOf)) throw new Error(`${scoresFile}: line ${i + 2}: expected contact_id and an as_of date`);
    const contactOutcomes = outcomes.get(row.contact_id) ?? [];
    return INTENT_TYPES.map((type) => {
      const score = Number(row[type]);
      if (!(score >= 0 && score <= 1)) throw new Error(`${scoresFile}: line ${i + 2}: ${type} must be a probability, got '${row[type]}'`);
      return { asOf: row.as_of!, contactId: row.contact_id!, type, score, label: hasOutcomeWithin(contactOutcomes, type, asOf) };
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { scores: { type: 'string' }, outcomes: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || !values.scores || !values.outcomes) {
    console.log('Usage: npx tsx models/intent/evaluate.ts --scores scores.csv --outcomes outcomes.csv\n\nPrints the measurement-protocol metrics of a `roi score` output.');
    return values.help ? 0 : 2;
  }
  console.log(formatMetrics(protocolMetrics(pairsFromScoresFile(values.scores, readOutcomesCsv(values.outcomes)))));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
