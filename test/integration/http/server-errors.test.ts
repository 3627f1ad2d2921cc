/** Failures that are ours, not the caller's: 5xx bodies say nothing internal; throttling is a 503 to retry. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../../lambdas/api.ts";
import { RetryableError, type JobStore } from "../../../lib/service/index.ts";
import { aLambdaContext } from "../../builders/api-events.ts";
import { aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
beforeAll(async () => { h = await startApi(); await seedClients(h); });
afterAll(async () => h?.stop());

/** The real API over a job store whose `get` fails with `err` (an injected fault, through the port). */
function apiWithFailingJobs(err: Error) {
  const jobs = h.wired.deps.jobs;
  const failing: JobStore = Object.assign(Object.create(Object.getPrototypeOf(jobs)), jobs, { get: () => Promise.reject(err) });
  const api = createApi({ ...h.wired, deps: { ...h.wired.deps, jobs: failing } });
  return async (path: string) => {
    const res = await api(aRequest("GET", path).as(tokens.clientA).build(), aLambdaContext());
    return { status: res.statusCode, text: res.body ?? "", body: JSON.parse(res.body ?? "{}") };
  };
}

describe("server-side failures", () => {
  it("an unexpected error is a 500 that reveals nothing but a request id", async () => {
    const get = apiWithFailingJobs(new Error("ResourceNotFoundException: table arn:aws:dynamodb:eu-west-1:123:table/burstfarm-prod"));
    const r = await get("/jobs/job-1");
    expect(r.status).toBe(500);
    expect(r.body.error).toEqual({ code: "internal_error", message: "internal error", issues: [] });
    expect(r.body.requestId).toEqual(expect.any(String));
    expect(r.text).not.toMatch(/dynamodb|arn:|burstfarm-prod|ResourceNotFound|stack|at /i);
  });

  it("throttled storage is a 503 the caller may retry, still without internals", async () => {
    const get = apiWithFailingJobs(new RetryableError("job get: storage is busy or unavailable (ThrottlingException); retry"));
    const r = await get("/jobs/job-1");
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe("unavailable");
    expect(r.text).not.toMatch(/Throttling|storage/);
  });

  it("a missing job is a plain 404", async () => {
    const r = await h.call(aRequest("GET", "/jobs/job-does-not-exist").as(tokens.clientA));
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});
