// Hybrid logical clocks: "<15-digit ms>:<5-digit counter>:<node id>". Fixed widths make the string
// order the clock order, with the node id breaking ties, so every replica and the server pick the
// same winner for a field whatever order edits arrive in.
export type Hlc = string;

export const HLC_PATTERN = /^\d{15}:\d{5}:[A-Za-z0-9_-]{1,64}$/;
const MAX_COUNTER = 99_999;

export type ParsedHlc = { millis: number; counter: number; node: string };

export function parseHlc(hlc: Hlc): ParsedHlc {
  if (!HLC_PATTERN.test(hlc)) throw new Error(`Not a hybrid logical clock timestamp: ${JSON.stringify(hlc)}`);
  const [millis, counter, node] = hlc.split(':') as [string, string, string];
  return { millis: Number(millis), counter: Number(counter), node };
}

export function formatHlc({ millis, counter, node }: ParsedHlc): Hlc {
  return `${String(millis).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${node}`;
}

/** Negative, zero or positive like a comparator; '' (never written) sorts before every clock. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type HlcClock = {
  /** A timestamp for a local edit: later than every timestamp issued or received so far. */
  tick(): Hlc;
  /** Folds in a timestamp seen on a row from elsewhere, so the next local edit orders after it. */
  receive(remote: Hlc): void;
  /** The newest timestamp issued or received ('' before the first). */
  last(): Hlc;
};

export function createHlcClock(node: string, options: { now?: () => number; last?: Hlc } = {}): HlcClock {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(node)) throw new Error(`Unusable HLC node id: ${JSON.stringify(node)}`);
  const now = options.now ?? Date.now;
  let millis = 0;
  let counter = 0;
  if (options.last) ({ millis, counter } = parseHlc(options.last));

  return {
    tick() {
      const wall = now();
      if (wall > millis) {
        millis = wall;
        counter = 0;
      } else if (counter < MAX_COUNTER) {
        counter += 1;
      } else {
        // Only reachable with 100k edits in one millisecond (or a clock far behind): borrow the next one.
        millis += 1;
        counter = 0;
      }
      return formatHlc({ millis, counter, node });
    },
    receive(remote) {
      if (!remote) return;
      const parsed = parseHlc(remote);
      if (parsed.millis < millis || (parsed.millis === millis && parsed.counter <= counter)) return;
      millis = parsed.millis;
      counter = parsed.counter;
    },
    last: () => (millis === 0 ? '' : formatHlc({ millis, counter, node })),
  };
}
