// Comparable sales: the nearest sales (0.5 mile, widened only when too few), scored by similarity to
// the subject, each adjusted to the subject's facts and the valuation date with the rates of the
// hedonic market model, so an agent sees exactly how every comparable's price was moved.
import type { AdjustmentGroup } from './market-index.ts';
import { groupEffect, timeAdjustment } from './market-index.ts';
import type { Market } from './market.ts';
import type { Subject } from './property.ts';
import type { Neighbour, StoredSale } from './sales-store.ts';

/** The search radius and its widening steps, in miles. */
export const COMP_RADII = [0.5, 1, 2, 4, 8, 16, 32] as const;
/** Fewer sales than this inside a radius widens the search to the next one. */
export const MIN_COMPS = 6;
/** The best-scored comparables that make the comps estimate. */
export const MAX_COMPS = 12;

const GROUPS: readonly AdjustmentGroup[] = ['size', 'quality', 'age', 'amenities'];

/** Log-price adjustments that move a comparable's price to the subject (positive = subject is worth more). */
export type CompAdjustments = { time: number } & Record<AdjustmentGroup, number>;

export type Comparable = {
  sale: StoredSale;
  miles: number;
  /** 0…1: 1 = same size, grade, age, … sold next door today. */
  similarity: number;
  /** Share of this comparable in the comps estimate (weights sum to 1). */
  weight: number;
  adjustments: CompAdjustments;
  adjustedPrice: number;
};

export type CompsResult = {
  comps: Comparable[];
  /** The radius the comparables were taken from (0.5 unless widened). */
  radiusMiles: number;
  /** Similarity-weighted mean of the comparables' adjusted log prices. */
  logEstimate: number;
  /** Weighted standard deviation of the adjusted log prices: disagreement among comparables. */
  dispersion: number;
  /** Sum of similarities of the chosen comparables (an effective amount of evidence). */
  evidence: number;
};

const DAYS_PER_MONTH = 30.44;

/**
 * Dissimilarity in "log units": each term is scaled so that 1 means a clearly different house. Checked
 * on the 2014-12-04…2015-01-14 sales (never the out-of-time test weeks): halving or doubling any weight,
 * or 6…40 comparables, moved the comps-only median error by less than 0.3 points, so these stay.
 */
function dissimilarity(subject: Subject, subjectDay: number, candidate: Neighbour): number {
  const sale = candidate.sale;
  return (
    2.0 * Math.abs(Math.log(subject.sqftLiving / sale.sqftLiving)) +
    0.5 * Math.abs(subject.grade - sale.grade) +
    Math.abs(subject.yrBuilt - sale.yrBuilt) / 40 +
    0.15 * Math.abs(subject.bedrooms - sale.bedrooms) +
    0.25 * Math.abs(subject.bathrooms - sale.bathrooms) +
    0.3 * Math.abs(Math.log(subject.sqftLot / sale.sqftLot)) +
    0.4 * Math.abs(subject.view - sale.view) +
    (subject.waterfront === sale.waterfront ? 0 : 2) +
    0.03 * ((subjectDay - sale.day) / DAYS_PER_MONTH) +
    1.5 * candidate.miles
  );
}

export function adjustComparable(market: Market, subject: Subject, sale: StoredSale): CompAdjustments {
  // Time within the comparable's own zip: its market moved, wherever the subject is.
  const adjustments = { time: timeAdjustment(market.index, sale.date, subject.date, sale.zipcode) } as CompAdjustments;
  for (const group of GROUPS) adjustments[group] = groupEffect(market.index, subject, group) - groupEffect(market.index, sale, group);
  return adjustments;
}

/** Smallest radius of COMP_RADII holding at least MIN_COMPS of the neighbours (sorted nearest first). */
function compRadius(neighbours: readonly Neighbour[]): number {
  for (const radius of COMP_RADII) {
    if (neighbours.filter((n) => n.miles <= radius).length >= MIN_COMPS) return radius;
  }
  return COMP_RADII[COMP_RADII.length - 1]!;
}

/** `neighbours`: the market's sales around the subject (before the valuation date), nearest first. */
export function selectComparables(market: Market, subject: Subject, subjectDay: number, neighbours: readonly Neighbour[]): CompsResult {
  const radiusMiles = compRadius(neighbours);
  const scored = neighbours
    .filter((n) => n.miles <= radiusMiles)
    .map((n) => ({ neighbour: n, similarity: Math.exp(-dissimilarity(subject, subjectDay, n)) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_COMPS);
  const evidence = scored.reduce((sum, c) => sum + c.similarity, 0);
  const comps = scored.map(({ neighbour, similarity }): Comparable => {
    const adjustments = adjustComparable(market, subject, neighbour.sale);
    const totalLog = adjustments.time + adjustments.size + adjustments.quality + adjustments.age + adjustments.amenities;
    return {
      sale: neighbour.sale,
      miles: neighbour.miles,
      similarity,
      // All similarities can underflow to 0 for a very unusual subject: fall back to equal weights.
      weight: evidence > 0 ? similarity / evidence : 1 / scored.length,
      adjustments,
      adjustedPrice: neighbour.sale.price * Math.exp(totalLog),
    };
  });
  let logEstimate = 0;
  for (const c of comps) logEstimate += c.weight * Math.log(c.adjustedPrice);
  let variance = 0;
  for (const c of comps) variance += c.weight * (Math.log(c.adjustedPrice) - logEstimate) ** 2;
  return { comps, radiusMiles, logEstimate, dispersion: Math.sqrt(variance), evidence };
}
