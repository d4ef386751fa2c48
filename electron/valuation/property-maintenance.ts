// The home-maintenance schedule of a property: seasonal upkeep every house needs, plus the checks its
// age calls for (systems past their usual life, materials of its era). Each item has a next due date;
// a reminder becomes a task with a deterministic id, so asking twice (or on two devices) makes one task.
import type { MaintenanceItem } from '../ipc/contract.ts';

type Season = MaintenanceItem['season'];
type Rule = {
  id: string;
  title: string;
  why: string;
  category: string;
  priority: MaintenanceItem['priority'];
  /** Months (1–12) it is due in; the next one from today is chosen. */
  months: readonly number[];
  frequency: string;
  /** Only for homes at least this old (years since built, or since renovated for `systems` items). */
  minAge?: number;
  /** Age counted from the renovation when there was one (systems and finishes are renewed by it). */
  systems?: boolean;
};

const SPRING = [4] as const;
const AUTUMN = [10] as const;

// 15 items for every home and up to 5 more by age. Months follow the Pacific Northwest seasons of the market data: a wet autumn and winter, dry summers.
const RULES: readonly Rule[] = [
  { id: 'hvac-filter', title: 'Replace the furnace / HVAC filter', why: 'A clogged filter cuts airflow and efficiency and strains the blower.', category: 'Heating & cooling', priority: 'normal', months: [1, 4, 7, 10], frequency: 'every 3 months' },
  { id: 'furnace-service', title: 'Service the furnace before the heating season', why: 'A tune-up catches cracked heat exchangers and failing igniters before the cold.', category: 'Heating & cooling', priority: 'normal', months: [9], frequency: 'every year' },
  { id: 'gutters', title: 'Clean gutters and downspouts', why: 'Autumn leaves block gutters just before the rains; overflow rots fascia and floods foundations.', category: 'Exterior', priority: 'high', months: [11, 4], frequency: 'twice a year' },
  { id: 'roof-inspection', title: 'Inspect the roof and flashing', why: 'Winter storms lift shingles and open flashing; small repairs now prevent leaks.', category: 'Exterior', priority: 'normal', months: SPRING, frequency: 'every year' },
  { id: 'roof-moss', title: 'Treat moss on the roof', why: 'Moss holds water against shingles and shortens a roof’s life in the wet months.', category: 'Exterior', priority: 'low', months: [2], frequency: 'every year' },
  { id: 'smoke-co-detectors', title: 'Test smoke and CO detectors, replace batteries', why: 'Detectors fail silently; test them when the clocks change.', category: 'Safety', priority: 'high', months: [3, 11], frequency: 'twice a year' },
  { id: 'water-heater-flush', title: 'Flush the water heater', why: 'Sediment shortens the tank’s life and wastes energy.', category: 'Plumbing', priority: 'low', months: [6], frequency: 'every year' },
  { id: 'outdoor-faucets', title: 'Winterise outdoor faucets and irrigation', why: 'A frozen hose bib or sprinkler line bursts inside the wall.', category: 'Plumbing', priority: 'normal', months: [10], frequency: 'every year' },
  { id: 'weatherstripping', title: 'Check weatherstripping and caulking on windows and doors', why: 'Drafts and water intrusion start where seals have dried out.', category: 'Exterior', priority: 'low', months: AUTUMN, frequency: 'every year' },
  { id: 'dryer-vent', title: 'Clean the dryer vent duct', why: 'Lint in the duct is a leading cause of house fires.', category: 'Safety', priority: 'normal', months: [8], frequency: 'every year' },
  { id: 'drainage', title: 'Check crawlspace, sump pump and yard drainage', why: 'The rainy season tests every drain; standing water under a house breeds rot and mould.', category: 'Foundation', priority: 'normal', months: [10], frequency: 'every year' },
  { id: 'exterior-paint', title: 'Inspect exterior paint and siding; plan repainting', why: 'Paint protects the siding; past 7–10 years it cracks and lets water in.', category: 'Exterior', priority: 'low', months: [7], frequency: 'every year', minAge: 7, systems: true },
  { id: 'deck-fence', title: 'Inspect and reseal the deck and fence', why: 'Dry summer weeks are the window to reseal wood before the rains.', category: 'Exterior', priority: 'low', months: [7], frequency: 'every year' },
  { id: 'chimney', title: 'Have the chimney or wood stove flue swept and inspected', why: 'Creosote build-up causes chimney fires; flues crack as they age.', category: 'Safety', priority: 'normal', months: [9], frequency: 'every year' },
  { id: 'gfci-test', title: 'Test GFCI outlets in kitchen, baths and outside', why: 'Ground-fault outlets wear out and stop tripping without any sign.', category: 'Electrical', priority: 'normal', months: [3], frequency: 'every year' },
  { id: 'attic-check', title: 'Check attic insulation, vents and for roof leaks', why: 'Blocked vents and damp insulation in the attic are the first signs of a leak or condensation.', category: 'Exterior', priority: 'low', months: [11], frequency: 'every year' },
  { id: 'water-heater-replace', title: 'Plan the water heater replacement', why: 'Tank water heaters last 10–15 years; replacing before failure avoids flood damage.', category: 'Plumbing', priority: 'normal', months: SPRING, frequency: 'once', minAge: 12, systems: true },
  { id: 'roof-replacement', title: 'Get a roof replacement estimate', why: 'Composition roofs last 20–25 years; budget before it leaks.', category: 'Exterior', priority: 'normal', months: [6], frequency: 'once', minAge: 22, systems: true },
  { id: 'electrical-panel', title: 'Have the electrical panel and wiring inspected', why: 'Homes this old may have undersized service, aluminium or knob-and-tube wiring.', category: 'Electrical', priority: 'high', months: SPRING, frequency: 'once', minAge: 40, systems: true },
  { id: 'seismic-retrofit', title: 'Check the seismic retrofit (foundation bolting)', why: 'Houses built before 1980 were often not bolted to their foundations.', category: 'Foundation', priority: 'normal', months: [6], frequency: 'once', minAge: 45 },
];

export const MAINTENANCE_RULE_IDS = RULES.map((rule) => rule.id);

const SEASONS: Record<number, Season> = { 12: 'winter', 1: 'winter', 2: 'winter', 3: 'spring', 4: 'spring', 5: 'spring', 6: 'summer', 7: 'summer', 8: 'summer', 9: 'autumn', 10: 'autumn', 11: 'autumn' };

/** The first day of the next month in `months` on or after today's month (this month counts while it lasts). */
function nextDue(months: readonly number[], today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const candidates = months.map((m) => (m >= month ? { year, month: m } : { year: year + 1, month: m }));
  const next = candidates.sort((a, b) => a.year * 12 + a.month - (b.year * 12 + b.month))[0]!;
  const date = `${next.year}-${String(next.month).padStart(2, '0')}-01`;
  return date < today ? today : date;
}

export function maintenanceTaskId(propertyId: string, itemId: string, dueDate: string): string {
  return `maint:${propertyId}:${itemId}:${dueDate}`;
}

export type MaintenanceInput = { propertyId: string; yrBuilt: number | null; yrRenovated: number | null; today: string };

/** The schedule, soonest first (items of equal date by priority). Without a build year, age-based items are left out. */
export function maintenanceSchedule(input: MaintenanceInput, hasTask: (taskId: string) => boolean): MaintenanceItem[] {
  const year = Number(input.today.slice(0, 4));
  const rank = { high: 0, normal: 1, low: 2 } as const;
  return RULES.filter((rule) => {
    if (rule.minAge === undefined) return true;
    if (input.yrBuilt === null) return false;
    const since = rule.systems && input.yrRenovated ? input.yrRenovated : input.yrBuilt;
    return year - since >= rule.minAge;
  })
    .map((rule): MaintenanceItem => {
      const dueDate = nextDue(rule.months, input.today);
      const taskId = maintenanceTaskId(input.propertyId, rule.id, dueDate);
      return {
        id: rule.id,
        title: rule.title,
        why: rule.why,
        category: rule.category,
        season: rule.months.length > 2 ? 'any' : SEASONS[Number(dueDate.slice(5, 7))]!,
        frequency: rule.frequency,
        dueDate,
        priority: rule.priority,
        taskId: hasTask(taskId) ? taskId : null,
      };
    })
    .sort((a, b) => (a.dueDate === b.dueDate ? rank[a.priority] - rank[b.priority] : a.dueDate < b.dueDate ? -1 : 1));
}
