/**
 * The planner Lambda with its planner of record: each cycle's way (solved / replayed / greedy) is a
 * metric and a logged reason. A settled-task trigger right after a solve replays the record; an
 * edit solves; without HiGHS the cycle plans greedily and says so.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPlanner } from "../../../lambdas/planner.ts";
import type { LpSolver } from "../../../lib/planner/index.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { RollingPlanOfRecord } from "../../../lib/solver/rolling-plan-of-record.ts";
import { aLambdaContext, aScheduledEvent, anSqsEvent, anSqsRecord } from "../../builders/api-events.ts";
import { registerNode } from "./agents.ts";
import { aNativeJob, aRequest, ManualClock, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

const slot = 5 * 60_000;
const clock = new ManualClock(Math.floor(Date.now() / slot) * slot + 30_000);
const ctx = aLambdaContext("planner");
let h: ApiHarness;
let highs: LpSolver;

beforeAll(async () => {
  h = await startApi({ clock });
  highs = await loadHighsSolver();
  await seedClients(h);
  await registerNode(h, "n1");
  const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json({ ...aNativeJob({ frames: "1-20" }), deadline: new Date(clock.at + 4 * 3_600_000).toISOString() }));
  expect(r.status).toBe(201);
});
afterAll(() => h?.stop());

const trigger = (reason: string) => anSqsEvent([anSqsRecord({ reason, at: clock.at }, { queue: "burstfarm-plan-trigger.fifo" })]);

describe("the planner Lambda's ways of planning", () => {
  it("solves on the schedule, replays after a settled task, solves on an edit — one metric each", async () => {
    const metrics = vi.spyOn(h.wired.metrics, "addMetric");
    const log = vi.spyOn(h.wired.logger, "info");
    const planner = createPlanner(h.wired, "planner-ways", new RollingPlanOfRecord(async () => highs));
    const ways = () => metrics.mock.calls.map((c) => c[0]).filter((n) => /^plan(Solved|Replayed|Greedy)$/.test(n));

    await planner(aScheduledEvent(new Date(clock.at)), ctx);
    clock.advance(10_000);
    await planner(trigger("node n1 settled 1 task(s)"), ctx);
    clock.advance(10_000);
    await planner(trigger("job j9 edited"), ctx);
    expect(ways()).toEqual(["planSolved", "planReplayed", "planSolved"]);
    expect(log.mock.calls.at(-1)?.[1]).toMatchObject({ planWay: "solved", planWayWhy: 'trigger "job j9 edited" is not a settled task' });
  });

  it("plans greedily when HiGHS did not load, and says so", async () => {
    const metrics = vi.spyOn(h.wired.metrics, "addMetric");
    const log = vi.spyOn(h.wired.logger, "info");
    const planner = createPlanner(h.wired, "planner-no-wasm", new RollingPlanOfRecord(async () => null));
    clock.advance(60_000);
    await planner(aScheduledEvent(new Date(clock.at)), ctx);
    expect(metrics.mock.calls.map((c) => c[0])).toContain("planGreedy");
    expect(log.mock.calls.at(-1)?.[1]).toMatchObject({ planWay: "greedy", planWayWhy: expect.stringContaining("HiGHS did not load") });
  });
});
