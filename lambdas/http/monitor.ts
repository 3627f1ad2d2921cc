/** Routes the web monitor reads (frame grid, job costs, farm history, latest frames and thumbnails) and requeue-failed. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";

export const monitorRoutes = [
  bindRoute(c.getJobTasks, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.getJobTasks(deps, { jobId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.requeueFailed, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.requeueFailed(deps, { jobId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.getJobCosts, async ({ query, principal, requestId }, deps: ServiceDeps) =>
    ({ items: await svc.jobCosts(deps, { jobIds: query.ids }, actorFor(principal, requestId)), at: deps.clock.now() })),
  bindRoute(c.getFarmHistory, async ({ query, principal, requestId }, deps: ServiceDeps) =>
    svc.farmHistory(deps, query, actorFor(principal, requestId))),
  bindRoute(c.listJobOutputs, async ({ params, query, principal, requestId }, deps: ServiceDeps) =>
    svc.listJobOutputs(deps, { jobId: params.id, limit: query.limit }, actorFor(principal, requestId))),
  bindRoute(c.getFrameThumbnail, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.readThumbnail(deps, { jobId: params.id, taskId: params.taskId, frame: params.n }, actorFor(principal, requestId))),
  bindRoute(c.getFrameImage, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.readFrameImage(deps, { jobId: params.id, taskId: params.taskId, frame: params.n }, actorFor(principal, requestId))),
];
