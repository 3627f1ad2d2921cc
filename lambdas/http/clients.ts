/** Client routes: shares, cloud permission, budgets, usage by day. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps, UsageDay } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { actingClient } from "../../lib/http/auth.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";

const usageKeys = ["onpremNodeHours", "cloudNodeHours", "cloudCost", "energyKWh", "energyCost", "tasks"] as const;

function totals(days: UsageDay[]): Record<(typeof usageKeys)[number], number> {
  const sum = { onpremNodeHours: 0, cloudNodeHours: 0, cloudCost: 0, energyKWh: 0, energyCost: 0, tasks: 0 };
  for (const d of days) for (const k of usageKeys) sum[k] += d[k];
  return sum;
}

export const clientRoutes = [
  bindRoute(c.listClients, async ({ principal, requestId }, deps: ServiceDeps) =>
    ({ items: await svc.listClients(deps, actorFor(principal, requestId)) })),
  bindRoute(c.createClient, async ({ body, principal, requestId }, deps: ServiceDeps) =>
    svc.createClient(deps, body, actorFor(principal, requestId))),
  bindRoute(c.getClient, async ({ params, principal, requestId }, deps: ServiceDeps) => {
    actingClient(principal, params.id);
    return svc.getClient(deps, { clientId: params.id }, actorFor(principal, requestId));
  }),
  bindRoute(c.updateClient, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.updateClient(deps, { clientId: params.id, patch: body }, actorFor(principal, requestId))),
  bindRoute(c.getClientUsage, async ({ params, query, principal, requestId }, deps: ServiceDeps) => {
    actingClient(principal, params.id);
    const days = await svc.clientUsage(deps, { clientId: params.id, from: query.from, to: query.to }, actorFor(principal, requestId));
    return { clientId: params.id, from: query.from, to: query.to, days, totals: totals(days) };
  }),
];
