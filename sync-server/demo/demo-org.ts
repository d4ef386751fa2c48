// Who exists in the demo: two brokerages, their people, and which of the data set's twelve agents
// (a_01 … a_12, see shared/datasets/engagement/README.md) each demo agent stands in for. Both the
// resource builder (which contacts go to which brokerage) and the seed (assignment, territories) read
// this one table, so they cannot disagree.
import type { Role } from '../../db/schema/vocabulary.ts';
import { demoId } from './deterministic-id.ts';

export type DemoBrokerageKey = 'cascade' | 'summit';

export type DemoBrokerage = {
  key: DemoBrokerageKey;
  id: string;
  name: string;
  postalAddress: string;
};

export type DemoUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  brokerage: DemoBrokerageKey | null;
  password: string;
  /** Data-set agents whose relationships (and territories) this demo agent takes over. */
  datasetAgents: readonly string[];
};

export const DEMO_PASSWORD = 'demo-password-1';
export const DEMO_ADMIN_PASSWORD = 'demo-admin-1';

export const DEMO_BROKERAGES: readonly DemoBrokerage[] = [
  {
    key: 'cascade',
    id: demoId('brokerage', 'cascade'),
    name: 'Cascade Realty',
    postalAddress: '1420 Fifth Avenue, Suite 2200, Seattle, WA 98101',
  },
  {
    key: 'summit',
    id: demoId('brokerage', 'summit'),
    name: 'Summit Homes',
    postalAddress: '10900 NE 8th Street, Suite 1500, Bellevue, WA 98004',
  },
];

function user(
  email: string,
  name: string,
  role: Role,
  brokerage: DemoBrokerageKey | null,
  datasetAgents: readonly string[] = [],
  password: string = DEMO_PASSWORD,
): DemoUser {
  return { id: demoId('user', email), email, name, role, brokerage, password, datasetAgents };
}

// The data set's agents split by geography: a_01…a_06 work Seattle and the south/north ends
// (Cascade Realty), a_07…a_12 the Eastside and east county (Summit Homes).
export const DEMO_USERS: readonly DemoUser[] = [
  user('admin@roidesk.test', 'Alex Admin', 'admin', null, [], DEMO_ADMIN_PASSWORD),
  user('morgan@cascade.test', 'Morgan Ellis', 'manager', 'cascade'),
  user('avery@cascade.test', 'Avery Chen', 'agent', 'cascade', ['a_01', 'a_03', 'a_05']),
  user('blake@cascade.test', 'Blake Ortiz', 'agent', 'cascade', ['a_02', 'a_04', 'a_06']),
  user('sydney@summit.test', 'Sydney Park', 'manager', 'summit'),
  user('riley@summit.test', 'Riley Novak', 'agent', 'summit', ['a_07', 'a_09', 'a_11']),
  user('jordan@summit.test', 'Jordan Brooks', 'agent', 'summit', ['a_08', 'a_10', 'a_12']),
];

/** The demo brokerage a data-set agent's contacts belong to, or undefined for an unknown agent id. */
export function brokerageOfDatasetAgent(datasetAgentId: string): DemoBrokerage | undefined {
  const agent = DEMO_USERS.find((u) => u.datasetAgents.includes(datasetAgentId));
  return DEMO_BROKERAGES.find((b) => b.key === agent?.brokerage);
}

/** The demo agent who takes over a data-set agent's relationships. */
export function demoAgentOfDatasetAgent(datasetAgentId: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.datasetAgents.includes(datasetAgentId));
}

export function demoBrokerage(key: DemoBrokerageKey): DemoBrokerage {
  const found = DEMO_BROKERAGES.find((b) => b.key === key);
  if (!found) throw new Error(`Unknown demo brokerage ${key}`);
  return found;
}
