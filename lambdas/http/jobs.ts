/** Job routes: parse (done by the contract) → service → map. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { HttpProblem } from "../../lib/http/problem.ts";
import { bindRoute, reply } from "../../lib/http/route.ts";

export const jobRoutes = [
  bindRoute(c.submitJob, async ({ body, headers, principal, requestId }, deps: ServiceDeps) => {
    const key = headers["idempotency-key"];
    if (key !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(key)) {
      throw new HttpProblem("validation_failed", "Idempotency-Key: 1-128 characters of A-Z a-z 0-9 _ . : -", [
        { field: "Idempotency-Key", problem: "expected 1-128 characters of A-Z a-z 0-9 _ . : -" },
      ]);
    }
    const input = key === undefined ? { body } : { body, idempotencyKey: key };
    const { job, created } = await svc.submitJob(deps, input, actorFor(principal, requestId));
    return created ? job : reply(200, job);
  }),
  bindRoute(c.listJobs, async ({ query, principal, requestId }, deps: ServiceDeps) =>
    svc.listJobs(deps, query, actorFor(principal, requestId))),
  bindRoute(c.getJob, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.getJob(deps, { jobId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.editJob, async ({ params, body, principal, requestId }, deps: ServiceDeps) =>
    svc.editJob(deps, { jobId: params.id, ...body }, actorFor(principal, requestId))),
  bindRoute(c.cancelJob, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.cancelJob(deps, { jobId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.approveJob, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.approvePreview(deps, { jobId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.getTaskLog, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.readTaskLog(deps, { jobId: params.id, taskId: params.taskId }, actorFor(principal, requestId))),
];
