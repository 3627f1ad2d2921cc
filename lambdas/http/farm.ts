/** Farm-wide routes: nodes, overview, audit. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { actingClient } from "../../lib/http/auth.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";

export const farmRoutes = [
  bindRoute(c.listNodes, async ({ principal, requestId }, deps: ServiceDeps) =>
    ({ items: await svc.listNodes(deps, actorFor(principal, requestId)) })),
  bindRoute(c.drainNode, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.drainNode(deps, { nodeId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.enableNode, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.enableNode(deps, { nodeId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.getFarm, async ({ principal, requestId }, deps: ServiceDeps) =>
    svc.farmSummary(deps, actorFor(principal, requestId))),
  bindRoute(c.getAudit, async ({ query, principal, requestId }, deps: ServiceDeps) => {
    const clientId = actingClient(principal, query.clientId);
    return svc.queryAudit(deps, { ...query, ...(clientId ? { clientId } : {}) }, actorFor(principal, requestId));
  }),
];
