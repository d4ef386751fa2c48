// The evidence behind an estimate in the form the property page shows it: comparables with their
// adjustments in dollars, the earlier sale of the same parcel, and the market around the property
// (sales of the 0.5-mile radius and the area's price index). Runs in the valuation worker, next to the
// market it reads.
import type { Valuation } from '../../models/valuation/engine.ts';
import { COMP_RADII } from '../../models/valuation/comps.ts';
import type { CompAdjustments } from '../../models/valuation/comps.ts';
import type { Market } from '../../models/valuation/market.ts';
import { median } from '../../models/valuation/market.ts';
import { marketLevel, timeAdjustment } from '../../models/valuation/market-index.ts';
import { dateOfDay, dayNumber, monthNumber } from '../../models/valuation/property.ts';
import type { ComparableSale, MarketStats, ValuationDetail } from '../ipc/contract.ts';

/** The radius of the market statistics: the comparable search's first (unwidened) radius. */
export const MARKET_RADIUS_MILES = COMP_RADII[0];
const STATS_DAYS = 365;
const HALF_DAYS = 182;
const MIN_SALES_FOR_CHANGE = 5;
/**
 * How far past its newest sale the market data can speak for: the calibration measured the errors of
 * valuations made up to six weeks after the market it used (validation window of models/avm.calibration.json).
 */
const MAX_DAYS_PAST_DATA = 42;

/**
 * The date a current valuation is made for: today, unless the market data is older than that — then six
 * weeks after its newest sale. Valuing years past the data would only carry the index's fading trend (at
 * most ±3%) while recency and prior-sale features drift outside anything the model was trained or calibrated on.
 */
export function currentValuationDate(lastSaleDate: string, today: string): string {
  const limit = dateOfDay(dayNumber(lastSaleDate) + MAX_DAYS_PAST_DATA);
  return today < limit ? today : limit;
}

const ADJUSTMENT_ORDER = ['time', 'size', 'quality', 'age', 'amenities'] as const;

/**
 * Log adjustments → dollars, applied one after the other (market conditions first, then the features on
 * the time-adjusted price, as an appraiser's grid does), so they add up to adjusted price − sale price.
 */
export function dollarAdjustments(price: number, adjustments: CompAdjustments): Record<(typeof ADJUSTMENT_ORDER)[number], number> {
  let running = price;
  const dollars = {} as Record<(typeof ADJUSTMENT_ORDER)[number], number>;
  for (const name of ADJUSTMENT_ORDER) {
    const next = running * Math.exp(adjustments[name]);
    dollars[name] = next - running;
    running = next;
  }
  return dollars;
}

const monthLabel = (month: number) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
const midMonth = (month: number) => `${monthLabel(month)}-15`;

export function marketStats(market: Market, facts: { lat: number; lng: number; zipcode: string }, valuationDate: string): MarketStats {
  const toDay = dayNumber(valuationDate);
  const fromDay = toDay - STATS_DAYS;
  const sales = market.source.within(facts.lat, facts.lng, MARKET_RADIUS_MILES, toDay).map((n) => n.sale).filter((sale) => sale.day >= fromDay);
  const perSqft = (list: typeof sales) => list.map((sale) => sale.price / sale.sqftLiving);
  const recent = sales.filter((sale) => sale.day >= toDay - HALF_DAYS);
  const earlier = sales.filter((sale) => sale.day < toDay - HALF_DAYS);
  const radiusChangePercent =
    recent.length >= MIN_SALES_FOR_CHANGE && earlier.length >= MIN_SALES_FOR_CHANGE ? 100 * (median(perSqft(recent)) / median(perSqft(earlier)) - 1) : null;

  const { index } = market;
  const level = (month: number) => marketLevel(index, midMonth(month), facts.zipcode);
  const first = index.months[0]!;
  const lastMonth = Math.min(monthNumber(valuationDate), index.months[index.months.length - 1]!);
  const trendFrom = Math.max(first, lastMonth - 12);
  return {
    radiusMiles: MARKET_RADIUS_MILES,
    from: dateOfDay(fromDay),
    to: valuationDate,
    salesCount: sales.length,
    medianPrice: sales.length > 0 ? median(sales.map((sale) => sale.price)) : null,
    medianPricePerSqft: sales.length > 0 ? median(perSqft(sales)) : null,
    radiusChangePercent,
    zipcode: facts.zipcode,
    indexSeries: index.months.filter((month) => month <= lastMonth).map((month) => ({ month: monthLabel(month), index: 100 * Math.exp(level(month) - level(first)) })),
    trendPercent: 100 * Math.expm1(level(lastMonth) - level(trendFrom)),
    trendMonths: lastMonth - trendFrom,
  };
}

export function comparableSales(valuation: Valuation): ComparableSale[] {
  return valuation.comps.comps.map((comp) => ({
    parcelId: comp.sale.parcelId,
    saleDate: comp.sale.date,
    price: comp.sale.price,
    lat: comp.sale.lat,
    lng: comp.sale.lng,
    miles: comp.miles,
    similarity: comp.similarity,
    weight: comp.weight,
    bedrooms: comp.sale.bedrooms,
    bathrooms: comp.sale.bathrooms,
    sqftLiving: comp.sale.sqftLiving,
    sqftLot: comp.sale.sqftLot,
    grade: comp.sale.grade,
    condition: comp.sale.condition,
    yrBuilt: comp.sale.yrBuilt,
    yrRenovated: comp.sale.yrRenovated || null,
    view: comp.sale.view,
    waterfront: comp.sale.waterfront,
    adjustments: dollarAdjustments(comp.sale.price, comp.adjustments),
    adjustedPrice: comp.adjustedPrice,
    sameParcel: comp.sale.parcelId === valuation.subject.parcelId,
  }));
}

export function valuationDetail(market: Market, valuation: Valuation, context: { marketDataThrough: string; modelVersion: string }): ValuationDetail {
  const { subject, priorSale } = valuation;
  return {
    estimate: valuation.estimate,
    low: valuation.low,
    high: valuation.high,
    confidence: valuation.confidence,
    valuationDate: subject.date,
    marketDataThrough: context.marketDataThrough,
    modelEstimate: valuation.modelEstimate,
    compsEstimate: valuation.compsEstimate,
    compsRadiusMiles: valuation.comps.radiusMiles,
    comps: comparableSales(valuation),
    priorSale: priorSale
      ? { date: priorSale.date, price: priorSale.price, timeAdjustedPrice: priorSale.price * Math.exp(timeAdjustment(market.index, priorSale.date, subject.date, subject.zipcode)) }
      : null,
    market: marketStats(market, subject, subject.date),
    modelVersion: context.modelVersion,
  };
}
