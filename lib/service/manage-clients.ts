import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { ClientView, UsageDay } from "./views.ts";

export interface ClientInput {
  id: string;
  name: string;
  guaranteedShare: number;
  maxShare: number;
  cloudAllowed: boolean;
  cloudBudgetPerMonth: number;
}

export type ClientPatch = Partial<Omit<ClientInput, "id">> & { cloudBudgetLeft?: number };

/** Operator only. ConflictError if the id exists. */
export async function createClient(deps: ServiceDeps, input: ClientInput, actor: Actor): Promise<ClientView> {
  void deps; void input; void actor;
  throw new Error("createClient: not implemented yet");
}

/** Operator only: shares, cloud allowed, budget. */
export async function updateClient(deps: ServiceDeps, input: { clientId: string; patch: ClientPatch }, actor: Actor): Promise<ClientView> {
  void deps; void input; void actor;
  throw new Error("updateClient: not implemented yet");
}

export async function getClient(deps: ServiceDeps, input: { clientId: string }, actor: Actor): Promise<ClientView> {
  void deps; void input; void actor;
  throw new Error("getClient: not implemented yet");
}

export async function listClients(deps: ServiceDeps, actor: Actor): Promise<ClientView[]> {
  void deps; void actor;
  throw new Error("listClients: not implemented yet");
}

/** Usage by day, `from`/`to` as YYYY-MM-DD (inclusive). Clients see only their own. */
export async function clientUsage(deps: ServiceDeps, input: { clientId: string; from: string; to: string }, actor: Actor): Promise<UsageDay[]> {
  void deps; void input; void actor;
  throw new Error("clientUsage: not implemented yet");
}
