// Plausible, fictitious street addresses for demo properties. The data sets carry a parcel number and
// coordinates but no address; the app shows addresses everywhere, so we synthesise one that is stable
// for a parcel (derived from a hash of it) and roughly right for its place (city from the ZIP code,
// street direction from the quadrant of King County's grid).
import { createHash } from 'node:crypto';

// King County ZIP codes of the data sets → postal city.
const CITY_BY_ZIP: Readonly<Record<string, string>> = {
  '98001': 'Auburn', '98002': 'Auburn', '98003': 'Federal Way', '98004': 'Bellevue', '98005': 'Bellevue',
  '98006': 'Bellevue', '98007': 'Bellevue', '98008': 'Bellevue', '98010': 'Black Diamond', '98011': 'Bothell',
  '98014': 'Carnation', '98019': 'Duvall', '98022': 'Enumclaw', '98023': 'Federal Way', '98024': 'Fall City',
  '98027': 'Issaquah', '98028': 'Kenmore', '98029': 'Issaquah', '98030': 'Kent', '98031': 'Kent',
  '98032': 'Kent', '98033': 'Kirkland', '98034': 'Kirkland', '98038': 'Maple Valley', '98039': 'Medina',
  '98040': 'Mercer Island', '98042': 'Kent', '98045': 'North Bend', '98052': 'Redmond', '98053': 'Redmond',
  '98055': 'Renton', '98056': 'Renton', '98058': 'Renton', '98059': 'Renton', '98065': 'Snoqualmie',
  '98070': 'Vashon', '98072': 'Woodinville', '98074': 'Sammamish', '98075': 'Sammamish', '98077': 'Woodinville',
  '98092': 'Auburn', '98146': 'Burien', '98148': 'Burien', '98155': 'Shoreline', '98166': 'Burien',
  '98168': 'Tukwila', '98177': 'Shoreline', '98188': 'SeaTac', '98198': 'Des Moines',
};

const NAMED_STREETS = [
  'Maple', 'Cedar', 'Lakeview', 'Madrona', 'Alder', 'Hemlock', 'Juniper', 'Fir', 'Cascade', 'Rainier',
  'Olympic', 'Sunset', 'Ridgecrest', 'Meadowbrook', 'Evergreen', 'Spruce', 'Willow', 'Orchard', 'Harbor', 'Forest',
] as const;
const NAMED_SUFFIXES = ['Ave', 'St', 'Way', 'Pl', 'Ln', 'Dr', 'Ct', 'Blvd'] as const;

export function cityOfZip(zipcode: string): string {
  // Every 981xx ZIP not listed above is inside Seattle.
  return CITY_BY_ZIP[zipcode] ?? (zipcode.startsWith('981') ? 'Seattle' : 'King County');
}

/** e.g. "14325 NE 87th St, Redmond, WA 98052". Same inputs → same address. */
export function synthesizeAddress(input: { key: string; zipcode: string; lat?: number | null; lng?: number | null }): string {
  const hash = createHash('sha256').update(`address:${input.key}`).digest();
  const pick = (offset: number, modulo: number) => hash.readUInt16BE(offset) % modulo;
  const quadrant =
    input.lat == null || input.lng == null
      ? (['NE', 'NW', 'SE', 'SW'] as const)[pick(0, 4)]
      : `${input.lat >= 47.6 ? 'N' : 'S'}${input.lng >= -122.3 ? 'E' : 'W'}`;
  const houseNumber = 100 + pick(2, 29_900);
  let street: string;
  switch (pick(4, 3)) {
    case 0:
      street = `${quadrant} ${ordinal(1 + pick(6, 320))} St`;
      break;
    case 1:
      street = `${ordinal(1 + pick(6, 280))} Ave ${quadrant}`;
      break;
    default:
      street = `${NAMED_STREETS[pick(6, NAMED_STREETS.length)]} ${NAMED_SUFFIXES[pick(8, NAMED_SUFFIXES.length)]}`;
  }
  return `${houseNumber} ${street}, ${cityOfZip(input.zipcode)}, WA ${input.zipcode}`;
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
