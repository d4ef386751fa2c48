// Seeded pseudo-random numbers for reproducible bench data: the same seed must give byte-identical
// replicas on every machine, so nothing here may touch Math.random or the clock.

export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** exp(mu + sigma·N(0,1)): skewed, positive quantities (activity rates, sizes, prices). */
  logNormal(mu: number, sigma: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A random UUID-v4-shaped id, so primary keys have the size and randomness of real ones. */
  uuid(): string;
};

/** mulberry32: tiny, fast, and good enough for synthetic data (not for anything security-related). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const u32 = () => Math.floor(next() * 4294967296);
  const hex8 = () => u32().toString(16).padStart(8, '0');
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: () => {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    logNormal: (mu, sigma) => Math.exp(mu + sigma * rng.normal()),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    uuid: () => {
      const a = hex8();
      const b = hex8();
      const c = hex8();
      const d = hex8();
      const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
      return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
    },
  };
  return rng;
}

/**
 * Samples indices in proportion to fixed weights: cumulative sums + binary search, O(log n) a draw —
 * a million draws over 50k weights take a few tens of milliseconds.
 */
export function createWeightedSampler(weights: ArrayLike<number>, rng: Rng): () => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i]!;
    if (!(weight >= 0)) throw new Error(`Weight ${i} is not a non-negative number: ${weight}`);
    total += weight;
    cumulative[i] = total;
  }
  if (total <= 0) throw new Error('Weighted sampler needs at least one positive weight');
  return () => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** A categorical distribution over labelled values, e.g. event types with their relative frequencies. */
export function createCategorical<T>(entries: readonly (readonly [T, number])[], rng: Rng): () => T {
  const sample = createWeightedSampler(
    entries.map(([, weight]) => weight),
    rng,
  );
  return () => entries[sample()]![0];
}
