// `roi score`: scores contacts from the engagement dataset's CSV files with the committed intent models and
// writes `contact_id,as_of,sell,buy,refinance,investment` (one row per contact and as-of date). This is the
// contract the external measurement runs, so it uses exactly what the app uses: the same feature builder,
// the same ONNX models and calibration, and only data strictly before each as-of date.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INTENT_TYPES } from '../../db/schema/vocabulary.ts';
import { readContactsCsv, readEventsCsv, readOutcomesCsv } from './engagement-csv.ts';
import { prepareContactHistory, type ContactHistory } from './features.ts';
import { DAY_MS, isoDate, parseUtc, type KnownOutcome } from './intent-inputs.ts';
import { DEFAULT_MODELS_DIR, loadIntentModels } from './intent-models.ts';
import { DEFAULT_MARKET_RATES_FILE, loadMarketRates } from './market-rates.ts';
import { observedHistoryStart, scoreHistories } from './score-contacts.ts';

const HELP = `Usage: roi score --contacts FILE --events FILE --as-of DATE[,DATE…] --out FILE [options]

Scores every contact for sell / buy / refinance / investment intent as of each date and writes
  contact_id,as_of,sell,buy,refinance,investment
with calibrated probabilities (0–1) that the outcome happens within 90 days after the date. Scores for a
date use only events strictly before it (00:00:00Z), the contacts' static attributes and, with
--outcomes, outcomes dated before it.

Options:
  --contacts FILE   contacts.csv (engagement dataset columns: contact_id, is_owner, zipcode, purchase_date,
                    purchase_price, loan_original, loan_rate, loan_term_years, est_value_2014, …)
  --events FILE     events.csv or events.csv.gz (contact_id, type, occurred_at, props); streamed
  --as-of DATES     one or more YYYY-MM-DD dates, comma-separated (or repeat the option)
  --out FILE        where to write the scores (CSV; written to a temporary name, then renamed)
  --rates FILE      market_rates.csv (date, rate_30y_fixed); default: the copy shipped with the models
  --outcomes FILE   outcomes.csv (contact_id, type, occurred_at): known past outcomes as features
  --models DIR      directory with intent-models.json and the .onnx files (default: ${path.relative(process.cwd(), DEFAULT_MODELS_DIR) || '.'})
  -h, --help        show this help

Exit codes: 0 scores written, 1 an input or model problem (the message says which), 2 bad usage.`;

class UsageError extends Error {}

type ScoreOptions = {
  contacts: string;
  events: string;
  rates: string;
  outcomes: string | null;
  asOf: number[];
  out: string;
  models: string;
};

function parseOptions(argv: string[]): ScoreOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        contacts: { type: 'string' },
        events: { type: 'string' },
        rates: { type: 'string' },
        outcomes: { type: 'string' },
        'as-of': { type: 'string', multiple: true },
        out: { type: 'string' },
        models: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  const required = { '--contacts': values.contacts, '--events': values.events, '--as-of': values['as-of'], '--out': values.out };
  const missing = Object.entries(required).filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`);
  const asOf = (values['as-of'] ?? [])
    .flatMap((value) => value.split(','))
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => {
      const ms = parseUtc(text);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !Number.isFinite(ms) || isoDate(ms) !== text) throw new UsageError(`--as-of: '${text}' is not a YYYY-MM-DD date`);
      return ms;
    });
  if (asOf.length === 0) throw new UsageError('--as-of needs at least one date');
  return {
    contacts: path.resolve(values.contacts!),
    events: path.resolve(values.events!),
    rates: path.resolve(values.rates ?? DEFAULT_MARKET_RATES_FILE),
    outcomes: values.outcomes === undefined ? null : path.resolve(values.outcomes),
    asOf: [...new Set(asOf)].sort((a, b) => a - b),
    out: path.resolve(values.out!),
    models: path.resolve(values.models ?? DEFAULT_MODELS_DIR),
  };
}

const formatProbability = (p: number) => p.toFixed(8);
// Large batches amortise onnxruntime's per-run overhead.
const BATCH_SIZE = 4096;

export async function runScoreCommand(argv: string[]): Promise<number> {
  let options: ScoreOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`roi score: ${error.message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  try {
    await score(options);
    return 0;
  } catch (error) {
    console.error(`roi score: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function score(options: ScoreOptions): Promise<void> {
  const started = performance.now();
  const log = (line: string) => console.error(`roi score: ${line}`);
  const rates = loadMarketRates(options.rates);
  const contacts = readContactsCsv(options.contacts);
  const outcomes = options.outcomes ? readOutcomesCsv(options.outcomes) : new Map<string, KnownOutcome[]>();
  const models = await loadIntentModels({ dir: options.models });
  const events = await readEventsCsv(options.events, new Set(contacts.map((contact) => contact.id)));
  log(`read ${contacts.length} contacts and ${events.count} events${events.skippedUnknownContact ? ` (${events.skippedUnknownContact} events of contacts not in --contacts skipped)` : ''}${events.skippedUnknownType ? ` (${events.skippedUnknownType} events of unknown types skipped)` : ''}`);
  const lastRateDay = parseUtc(rates.lastDay);
  if (options.asOf.some((asOf) => asOf - DAY_MS > lastRateDay)) log(`warning: market rates end on ${rates.lastDay}; later dates use that rate`);

  const histories: ContactHistory[] = contacts.map((contact) => prepareContactHistory(contact, events.byContact.get(contact.id) ?? [], outcomes.get(contact.id) ?? []));
  // The observed history starts with the first event (by day); without events, a full year is assumed.
  const historyStart = observedHistoryStart(events.firstAt, options.asOf[0]!);

  const partial = `${options.out}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  try {
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write(`contact_id,as_of,${INTENT_TYPES.join(',')}\n`);
    await scoreHistories(histories, options.asOf, { rates, historyStart, outcomesKnown: options.outcomes !== null }, models, async ({ asOf, histories: batch, probabilities }) => {
      const date = isoDate(asOf);
      let text = '';
      for (let i = 0; i < batch.length; i++) {
        text += `${batch[i]!.contact.id},${date}`;
        for (const type of INTENT_TYPES) text += `,${formatProbability(probabilities[type][i]!)}`;
        text += '\n';
      }
      await write(text);
    }, { batchSize: BATCH_SIZE });
    out.end();
    await once(out, 'finish');
    renameSync(partial, options.out);
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    await models.dispose();
  }
  log(`wrote ${contacts.length * options.asOf.length} rows to ${options.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
