/** Agent routes: register, renew the node token, poll (heartbeat + progress + assignments), complete, fail. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";
import { HttpProblem } from "../../lib/http/problem.ts";
import { parseTaskId } from "../../lib/planner/index.ts";

function taskRef(taskId: string, field: string): void {
  try { parseTaskId(taskId); } catch { throw HttpProblem.invalid(field, `"${taskId}" is not jobId:stepName:taskIndex`); }
}

export const agentRoutes = [
  bindRoute(c.registerAgent, async ({ body, principal, requestId }, deps: ServiceDeps) =>
    svc.registerAgent(deps, body, principal.kind === "registrant"
      ? { kind: "registrant", secretId: principal.secretId, requestId }
      : actorFor(principal, requestId))),
  bindRoute(c.renewAgentToken, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.renewNodeToken(deps, { nodeId: params.nodeId }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.agentSessionToken, async ({ principal, requestId }, deps: ServiceDeps) => {
    const actor = actorFor(principal, requestId);
    return svc.renewNodeToken(deps, { nodeId: actor.kind === "agent" ? actor.nodeId : "" }, actor);
  }),
  bindRoute(c.pollAgent, async ({ params, body, principal, requestId }, deps: ServiceDeps) => {
    const actor = actorFor(principal, requestId, params.nodeId);
    // Every report is checked before the first one is settled: a bad one must not leave the others half-applied.
    body.tasks.forEach((t, i) => taskRef(t.taskId, `tasks[${i}].taskId`));
    return svc.pollAgent(deps, { nodeId: params.nodeId, ...body }, actor);
  }),
  bindRoute(c.completeTask, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.completeTask(deps, { ...params, ...body }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.failTask, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.failTask(deps, { ...params, ...body }, actorFor(principal, requestId, params.nodeId))),
  bindRoute(c.getRunSpec, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.getRunSpec(deps, params, actorFor(principal, requestId, params.nodeId))),
];
