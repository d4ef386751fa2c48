// The team page's IPC handlers, spread into the composition root (electron/app-services.ts): each call
// builds the service over the signed-in session's replica, so sign-out or a user switch needs no cleanup.
import type { Session } from '../ipc/contract.ts';
import { AppError } from '../ipc/errors.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { Replica } from '../sync/replica.ts';
import { createRoutingClient } from './routing-client.ts';
import type { ReassignInput, ReassignResult, RoutingSettings, RoutingState, TeamOverview, TeamPeriod } from './team-contract.ts';
import { createTeamService, type TeamService } from './team-service.ts';

export type TeamHandlerDeps = {
  session: () => Session | null;
  store: () => LocalStore | null;
  replica: () => Replica | null;
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
  /** The HTTP client for the routing endpoints (tests pass a fake server). */
  fetch?: typeof fetch;
};

export type TeamHandlers = {
  getTeamOverview: (input?: { period: TeamPeriod }) => Promise<TeamOverview>;
  reassignOpenAlerts: (input: ReassignInput) => Promise<ReassignResult>;
  getRoutingSettings: () => Promise<RoutingState>;
  saveRoutingSettings: (input: RoutingSettings) => Promise<RoutingState>;
};

export function teamHandlers(deps: TeamHandlerDeps): TeamHandlers {
  const team = (): TeamService => {
    const session = deps.session();
    const store = deps.store();
    const replica = deps.replica();
    if (!session || !store || !replica) throw new AppError('unauthenticated', 'Sign in as a manager to see your team.');
    return createTeamService({
      db: store.db,
      user: session.user,
      mutate: (edits) => replica.mutate(edits),
      routing: createRoutingClient({
        serverUrl: session.serverUrl,
        accessToken: deps.accessToken,
        refreshAccessToken: deps.refreshAccessToken,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    });
  };
  return {
    getTeamOverview: async (input) => team().overview(input?.period ?? '90'),
    reassignOpenAlerts: async (input) => team().reassign(input),
    getRoutingSettings: async () => team().routingSettings(),
    saveRoutingSettings: async (input) => team().saveRoutingSettings(input),
  };
}
