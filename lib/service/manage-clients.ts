/** Clients (studios/shows): shares, cloud permission, budget; and their usage by day. */
import { z } from "zod";
import { assertCanSeeClient, assertOperator, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { parseWith } from "./job-spec.ts";
import type { ClientRecord, UsageDay } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import type { ClientView } from "./views.ts";

const fields = {
  name: z.string().min(1).max(200),
  guaranteedShare: z.number().min(0).max(1),
  maxShare: z.number().min(0).max(1),
  cloudAllowed: z.boolean(),
  cloudBudgetPerMonth: z.number().min(0),
};
export const clientInputSchema = z.strictObject({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
  ...fields,
  cloudAllowed: fields.cloudAllowed.default(false),
  cloudBudgetPerMonth: fields.cloudBudgetPerMonth.default(0),
  maxShare: fields.maxShare.default(1),
});
export const clientPatchSchema = z.strictObject({ ...fields, cloudBudgetLeft: z.number().min(0) }).partial();
export type ClientInput = z.input<typeof clientInputSchema>;
export type ClientPatch = z.input<typeof clientPatchSchema>;

const view = ({ version: _v, ...c }: ClientRecord): ClientView => c;

function checkShares(c: { guaranteedShare: number; maxShare: number }): void {
  if (c.maxShare < c.guaranteedShare) throw new ValidationError("maxShare", `${c.maxShare} is below guaranteedShare ${c.guaranteedShare}`);
}

/** Operator only. ConflictError if the id exists. */
export async function createClient(deps: ServiceDeps, raw: ClientInput, actor: Actor): Promise<ClientView> {
  assertOperator(actor, "creating a client");
  const input = parseWith(clientInputSchema, raw);
  checkShares(input);
  const guaranteed = (await deps.clients.list()).reduce((s, c) => s + c.guaranteedShare, 0);
  if (guaranteed + input.guaranteedShare > 1 + 1e-9) {
    throw new ValidationError("guaranteedShare", `guarantees would add up to ${(guaranteed + input.guaranteedShare).toFixed(2)} of the farm (at most 1)`);
  }
  const record: ClientRecord = { ...input, cloudBudgetLeft: input.cloudBudgetPerMonth, createdAt: deps.clock.now(), version: 1 };
  await deps.clients.create(record);
  await audit(deps, actor, { clientId: record.id, action: "client.create", target: { type: "client", id: record.id }, after: view(record) });
  await deps.trigger.requestPlan(`client ${record.id} created`, deps.clock.now());
  return view(record);
}

/** Operator only: shares, cloud allowed, budget. */
export async function updateClient(deps: ServiceDeps, input: { clientId: string; patch: ClientPatch }, actor: Actor): Promise<ClientView> {
  assertOperator(actor, "changing a client");
  const patch = parseWith(clientPatchSchema, input.patch);
  if (Object.keys(patch).length === 0) throw new ValidationError("", "nothing to change");
  const others = (await deps.clients.list()).filter((c) => c.id !== input.clientId).reduce((s, c) => s + c.guaranteedShare, 0);
  const { client, result: before } = await deps.clients.update(input.clientId, (c) => {
    const next = { ...c, ...patch };
    checkShares(next);
    if (others + next.guaranteedShare > 1 + 1e-9) throw new ValidationError("guaranteedShare", `guarantees would add up to more than the whole farm`);
    return { next, result: view(c) };
  });
  await audit(deps, actor, { clientId: client.id, action: "client.update", target: { type: "client", id: client.id }, before, after: view(client) });
  await deps.trigger.requestPlan(`client ${client.id} changed`, deps.clock.now());
  return view(client);
}

export async function getClient(deps: ServiceDeps, input: { clientId: string }, actor: Actor): Promise<ClientView> {
  assertCanSeeClient(actor, input.clientId);
  const c = await deps.clients.get(input.clientId);
  if (!c) throw new NotFoundError("client", input.clientId);
  return view(c);
}

/** Operators see all clients; a client sees itself. */
export async function listClients(deps: ServiceDeps, actor: Actor): Promise<ClientView[]> {
  if (actor.kind === "client") return [await getClient(deps, { clientId: actor.clientId }, actor)];
  assertOperator(actor, "listing clients");
  return (await deps.clients.list()).map(view);
}

const day = /^\d{4}-\d{2}-\d{2}$/;

/** Usage by day, `from`/`to` as YYYY-MM-DD (inclusive, UTC). Clients see only their own. */
export async function clientUsage(deps: ServiceDeps, input: { clientId: string; from: string; to: string }, actor: Actor): Promise<UsageDay[]> {
  assertCanSeeClient(actor, input.clientId);
  if (!day.test(input.from) || !Number.isFinite(Date.parse(input.from))) throw new ValidationError("from", "expected a date YYYY-MM-DD");
  if (!day.test(input.to) || !Number.isFinite(Date.parse(input.to))) throw new ValidationError("to", "expected a date YYYY-MM-DD");
  if (input.to < input.from) throw new ValidationError("to", `${input.to} is before from ${input.from}`);
  if (!(await deps.clients.get(input.clientId))) throw new NotFoundError("client", input.clientId);
  return deps.usage.days(input.clientId, input.from, input.to);
}
