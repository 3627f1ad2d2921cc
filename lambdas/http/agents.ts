/** Agent routes: register, poll (heartbeat + progress + assignments), complete, fail. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";

export const agentRoutes = [
  bindRoute(c.registerAgent, async ({ body, principal, requestId }, deps: ServiceDeps) =>
    svc.registerAgent(deps, body, actorFor(principal, requestId, body.nodeId))),
  bindRoute(c.pollAgent, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.pollAgent(deps, { nodeId: params.nodeId, ...body }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.completeTask, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.completeTask(deps, { ...params, ...body }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.failTask, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.failTask(deps, { ...params, ...body }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.getRunSpec, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.getRunSpec(deps, params, actorFor(principal, requestId, params.nodeId))),
];
