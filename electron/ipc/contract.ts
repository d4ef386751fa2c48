// The one typed IPC contract between the renderer and the main process (or browser-mode host).
// Inputs are validated with these schemas at the boundary; the renderer imports types only.
import { z } from 'zod';
import { ROLES } from '../../db/schema/vocabulary.ts';
import { contactsContract } from '../contacts/contacts-contract.ts';
import { inboxContract, notificationEventSchema } from '../inbox/inbox-contract.ts';
import { teamContract } from '../team/team-contract.ts';
import { campaignEvents, campaignsContract } from '../campaigns/campaigns-contract.ts';
import type { EventName, OperationName } from './operations.ts';

const email = z.string().trim().toLowerCase().email('Enter a valid email address').max(254);

export const sessionUserSchema = z.object({
  id: z.string(),
  brokerageId: z.string().nullable(),
  role: z.enum(ROLES),
  name: z.string(),
  email: z.string(),
});

export const sessionSchema = z.object({
  user: sessionUserSchema,
  deviceId: z.string(),
  serverUrl: z.string(),
  /** True when the app started from the remembered session because the server was unreachable. */
  offline: z.boolean(),
});

export const syncStatusSchema = z.object({
  online: z.boolean(),
  pendingChanges: z.number().int().nonnegative(),
  failedChanges: z.number().int().nonnegative(),
  lastSyncAt: z.string().nullable(),
  error: z.string().nullable(),
  /**
   * While the device catches up with the server after the app started (a first sign-in downloads
   * everything): the rows stored so far. Null once every table has caught up, or with no sync running.
   */
  catchUp: z.object({ rowsStored: z.number().int().nonnegative() }).nullable(),
});

export const appInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  serverUrl: z.string(),
  platform: z.string(),
  /** False when no OS keychain is reachable: the session then is not remembered across restarts. */
  keychainAvailable: z.boolean(),
});

/** A local edit the server refused: shown to the user with the reason until dismissed. */
export const rejectedChangeSchema = z.object({
  id: z.number().int(),
  tableName: z.string(),
  op: z.string(),
  rowId: z.string(),
  changes: z.string(),
  reason: z.string(),
  at: z.string(),
});

// ---- Properties and valuation (electron/valuation) ----

const recordId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'not a record id');

/** The facts the valuation reads; null = unknown. Ranges are what the valuation engine can value. */
export const propertyFactsSchema = z.object({
  bedrooms: z.number().int().min(0).max(20).nullable(),
  bathrooms: z.number().min(0).max(15).multipleOf(0.25, 'Bathrooms count in quarters (e.g. 2.5)').nullable(),
  sqftLiving: z.number().int().min(200, 'Living area is at least 200 sq ft').max(50_000).nullable(),
  sqftLot: z.number().int().min(200, 'Lot size is at least 200 sq ft').max(50_000_000).nullable(),
  floors: z.number().min(1).max(4).multipleOf(0.5, 'Floors count in halves (e.g. 1.5)').nullable(),
  yrBuilt: z.number().int().min(1850).max(2100).nullable(),
  /** Null: never renovated. */
  yrRenovated: z.number().int().min(1850).max(2100).nullable(),
  /** County scale: 1 (poor) … 5 (very good). */
  condition: z.number().int().min(1).max(5).nullable(),
  /** County construction grade: 1 … 13 (7 = average). */
  grade: z.number().int().min(1).max(13).nullable(),
  /** 0 (none) … 4 (excellent). */
  view: z.number().int().min(0).max(4).nullable(),
  waterfront: z.boolean(),
});

/** A correction of facts: only the fields given change; only the renovation year can be cleared. */
export const propertyFactsChangesSchema = propertyFactsSchema
  .extend({
    bedrooms: propertyFactsSchema.shape.bedrooms.unwrap(),
    bathrooms: propertyFactsSchema.shape.bathrooms.unwrap(),
    sqftLiving: propertyFactsSchema.shape.sqftLiving.unwrap(),
    sqftLot: propertyFactsSchema.shape.sqftLot.unwrap(),
    floors: propertyFactsSchema.shape.floors.unwrap(),
    yrBuilt: propertyFactsSchema.shape.yrBuilt.unwrap(),
    condition: propertyFactsSchema.shape.condition.unwrap(),
    grade: propertyFactsSchema.shape.grade.unwrap(),
    view: propertyFactsSchema.shape.view.unwrap(),
  })
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'Change at least one fact');

export const propertySummarySchema = z.object({
  id: z.string(),
  address: z.string(),
  zipcode: z.string().nullable(),
  ownerName: z.string().nullable(),
  bedrooms: z.number().nullable(),
  bathrooms: z.number().nullable(),
  sqftLiving: z.number().nullable(),
  yrBuilt: z.number().nullable(),
  estimate: z.number().nullable(),
  estimateLow: z.number().nullable(),
  estimateHigh: z.number().nullable(),
  estimateConfidence: z.number().nullable(),
  estimatedAt: z.string().nullable(),
});

/** Log-price adjustments turned into dollars, applied in this order (time first, as appraisers do), so they add up. */
export const compAdjustmentsSchema = z.object({ time: z.number(), size: z.number(), quality: z.number(), age: z.number(), amenities: z.number() });

export const comparableSaleSchema = z.object({
  parcelId: z.string(),
  saleDate: z.string(),
  price: z.number(),
  lat: z.number(),
  lng: z.number(),
  miles: z.number(),
  /** 0…1: how alike it is (size, grade, age, rooms, lot, view, waterfront, recency, distance). */
  similarity: z.number(),
  /** Share in the comparable-sales estimate (weights add up to 1). */
  weight: z.number(),
  bedrooms: z.number(),
  bathrooms: z.number(),
  sqftLiving: z.number(),
  sqftLot: z.number(),
  grade: z.number(),
  condition: z.number(),
  yrBuilt: z.number(),
  yrRenovated: z.number().nullable(),
  view: z.number(),
  waterfront: z.boolean(),
  adjustments: compAdjustmentsSchema,
  adjustedPrice: z.number(),
  /** An earlier sale of this same parcel. */
  sameParcel: z.boolean(),
});

export const marketStatsSchema = z.object({
  radiusMiles: z.number(),
  /** The window of the statistics: the 12 months before the valuation date. */
  from: z.string(),
  to: z.string(),
  salesCount: z.number().int(),
  medianPrice: z.number().nullable(),
  medianPricePerSqft: z.number().nullable(),
  /** Median $/sqft of the radius's last 6 months against the 6 before (null with fewer than 5 sales in either). */
  radiusChangePercent: z.number().nullable(),
  /** The area's market index (zip code level of the hedonic index), 100 at its first month. */
  zipcode: z.string(),
  indexSeries: z.array(z.object({ month: z.string(), index: z.number() })),
  /** Change of the index over the last `trendMonths` months (up to 12). */
  trendPercent: z.number(),
  trendMonths: z.number().int(),
});

export const valuationDetailSchema = z.object({
  estimate: z.number(),
  low: z.number(),
  high: z.number(),
  confidence: z.number().int().min(0).max(100),
  /** The valuation date: today, or six weeks after the newest market sale when the data is older. */
  valuationDate: z.string(),
  /** Newest sale in the market data. */
  marketDataThrough: z.string(),
  modelEstimate: z.number(),
  compsEstimate: z.number(),
  compsRadiusMiles: z.number(),
  comps: z.array(comparableSaleSchema),
  priorSale: z.object({ date: z.string(), price: z.number(), timeAdjustedPrice: z.number() }).nullable(),
  market: marketStatsSchema,
  modelVersion: z.string(),
});

export const VALUATION_REASONS = ['initial', 'facts_edited', 'market_sales', 'monthly', 'model_updated', 'requested', 'retrospective'] as const;
export const valueHistoryPointSchema = z.object({
  valuedAt: z.string(),
  estimate: z.number(),
  low: z.number(),
  high: z.number(),
  confidence: z.number(),
  reason: z.enum(VALUATION_REASONS),
});

export const loanPositionSchema = z.object({
  /** The date the position is computed for (the valuation date, so equity compares like with like). */
  asOf: z.string(),
  original: z.number(),
  ratePercent: z.number(),
  termYears: z.number(),
  monthlyPayment: z.number(),
  monthsPaid: z.number().int(),
  balance: z.number(),
  /** Estimate − balance (null without an estimate). */
  equity: z.number().nullable(),
  loanToValue: z.number().nullable(),
  payoffDate: z.string(),
});

export const refinanceAnalysisSchema = z.object({
  balance: z.number(),
  newRatePercent: z.number(),
  newTermYears: z.number(),
  closingCostPercent: z.number(),
  currentPayment: z.number(),
  newPayment: z.number(),
  monthlySaving: z.number(),
  closingCosts: z.number(),
  breakEvenMonths: z.number().int().nullable(),
});

export const MAINTENANCE_SEASONS = ['spring', 'summer', 'autumn', 'winter', 'any'] as const;
export const maintenanceItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  why: z.string(),
  category: z.string(),
  season: z.enum(MAINTENANCE_SEASONS),
  /** How often, in words ("every 3 months", "once"). */
  frequency: z.string(),
  dueDate: z.string(),
  priority: z.enum(['low', 'normal', 'high']),
  /** The task made from this reminder, once one was made. */
  taskId: z.string().nullable(),
});

export const propertyDetailSchema = z.object({
  property: z.object({
    id: z.string(),
    address: z.string(),
    zipcode: z.string().nullable(),
    parcelId: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    owner: z.object({ contactId: z.string(), name: z.string() }).nullable(),
    facts: propertyFactsSchema,
    purchaseDate: z.string().nullable(),
    purchasePrice: z.number().nullable(),
    /** The estimate stored on the property (what synced), with when it was made. */
    estimatedAt: z.string().nullable(),
    /** Local edits of this property not yet accepted by the server. */
    pendingChanges: z.number().int(),
  }),
  valuation: valuationDetailSchema.nullable(),
  /** Why there is no valuation (missing facts, no market data yet), written for the user. */
  valuationIssue: z.string().nullable(),
  /** Facts the valuation needs that the property lacks. */
  missingFacts: z.array(propertyFactsSchema.keyof()),
  history: z.array(valueHistoryPointSchema),
  loan: loanPositionSchema.nullable(),
  /** Value vs loan balance over time: value points where known, the balance every year to payoff. */
  equityTimeline: z.array(z.object({ date: z.string(), value: z.number().nullable(), balance: z.number().nullable() })),
  refinance: refinanceAnalysisSchema.nullable(),
  maintenance: z.array(maintenanceItemSchema),
});

export const PROPERTY_SORTS = ['address', 'estimate', 'confidence'] as const;

const none = z.undefined().optional();

export const ipcContract = {
  getAppInfo: { input: none, output: appInfoSchema },
  getSession: { input: none, output: sessionSchema.nullable() },
  signIn: {
    input: z.object({
      email,
      password: z.string().min(1, 'Enter your password').max(1024),
      serverUrl: z.string().url().max(2048).optional(),
      /** The 6-digit code of the user's authenticator app, when the server asks for one. */
      totpCode: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code').optional(),
      recoveryCode: z.string().trim().min(8).max(20).optional(),
    }),
    output: sessionSchema,
  },
  signOut: { input: none, output: z.object({ pendingChangesKept: z.number().int().nonnegative() }) },
  getSyncStatus: { input: none, output: syncStatusSchema },
  listRejectedChanges: { input: none, output: z.array(rejectedChangeSchema) },
  dismissRejectedChange: { input: z.object({ id: z.number().int().positive() }), output: z.object({ dismissed: z.boolean() }) },
  listProperties: {
    input: z
      .object({
        search: z.string().trim().max(100).optional(),
        sort: z.enum(PROPERTY_SORTS).default('address'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(100),
      })
      .optional(),
    output: z.object({ total: z.number().int(), items: z.array(propertySummarySchema) }),
  },
  getProperty: { input: z.object({ id: recordId }), output: propertyDetailSchema },
  updatePropertyFacts: { input: z.object({ id: recordId, changes: propertyFactsChangesSchema }), output: propertyDetailSchema },
  revalueProperty: { input: z.object({ id: recordId }), output: propertyDetailSchema },
  analyzeRefinance: {
    input: z.object({
      id: recordId,
      newRatePercent: z.number().min(0).max(20),
      newTermYears: z.number().int().min(5).max(40).default(30),
      closingCostPercent: z.number().min(0).max(10).default(3),
    }),
    output: refinanceAnalysisSchema.nullable(),
  },
  createMaintenanceTask: {
    input: z.object({ propertyId: recordId, itemId: z.string().min(1).max(60) }),
    output: z.object({ taskId: z.string(), dueDate: z.string() }),
  },
  // Each feature defines its operations in its own contract file and spreads them here.
  // -- alert inbox --
  ...inboxContract,
  // -- contacts, notes, tasks, activities, import/export, search --
  ...contactsContract,
  // -- team and routing --
  ...teamContract,
  // -- campaigns --
  ...campaignsContract,
} satisfies Record<OperationName, { input: z.ZodType; output: z.ZodType }>;

export const ipcEvents = {
  sessionChanged: sessionSchema.nullable(),
  syncStatusChanged: syncStatusSchema,
  /** Rows of these tables changed (synced from the server or edited here): views showing them reload. */
  dataChanged: z.object({ tables: z.array(z.string()) }),
  openAlert: z.object({ alertId: z.string() }),
  /** Browser mode: the page shows this OS notification through the Web Notifications API. */
  showNotification: notificationEventSchema,
  // -- campaigns --
  ...campaignEvents,
} satisfies Record<EventName, z.ZodType>;

// Compile-time proof that operations.ts lists exactly the contract's keys.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const contractMatchesNames: Exact<keyof typeof ipcContract, OperationName> = true;
export const eventsMatchNames: Exact<keyof typeof ipcEvents, EventName> = true;

export type IpcContract = typeof ipcContract;
export type OperationInput<N extends OperationName> = z.input<IpcContract[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<IpcContract[N]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof ipcEvents)[E]>;

export type Session = z.output<typeof sessionSchema>;
export type SyncStatus = z.output<typeof syncStatusSchema>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type RejectedChange = z.output<typeof rejectedChangeSchema>;
export type PropertyFacts = z.output<typeof propertyFactsSchema>;
export type PropertyFactName = keyof PropertyFacts;
export type PropertyFactsChanges = z.output<typeof propertyFactsChangesSchema>;
export type PropertySummary = z.output<typeof propertySummarySchema>;
export type PropertySort = (typeof PROPERTY_SORTS)[number];
export type PropertyDetail = z.output<typeof propertyDetailSchema>;
export type ValuationDetail = z.output<typeof valuationDetailSchema>;
export type ComparableSale = z.output<typeof comparableSaleSchema>;
export type MarketStats = z.output<typeof marketStatsSchema>;
export type ValueHistoryPoint = z.output<typeof valueHistoryPointSchema>;
export type ValuationReason = (typeof VALUATION_REASONS)[number];
export type LoanPosition = z.output<typeof loanPositionSchema>;
export type RefinanceAnalysis = z.output<typeof refinanceAnalysisSchema>;
export type MaintenanceItem = z.output<typeof maintenanceItemSchema>;

/** What the renderer sees as `window.api` (Electron) or its WebSocket twin (browser mode). */
export type RendererApi = {
  [N in OperationName]: (input?: OperationInput<N>) => Promise<OperationOutput<N>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The main-process side: one handler per operation, given validated input. */
type HandlerInput<N extends OperationName> = z.output<IpcContract[N]['input']>;
export type OperationHandlers = {
  [N in OperationName]: undefined extends HandlerInput<N>
    ? (input?: HandlerInput<N>) => Promise<OperationOutput<N>>
    : (input: HandlerInput<N>) => Promise<OperationOutput<N>>;
};

/** Wire envelope for both Electron IPC and the browser-mode WebSocket (errors survive serialisation). */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
