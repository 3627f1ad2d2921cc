/**
 * The planner Lambda: runs one planning cycle per invocation, on the EventBridge schedule
 * (every minute) and on the plan-trigger FIFO queue (edits, submissions, completions).
 * Coalescing: a batch of N trigger messages is ONE cycle — the cycle reads the whole current
 * state, so every change that caused a message is in it. Duplicate deliveries are harmless
 * for the same reason, and concurrent cycles are settled by the service's conditional writes.
 */
import { randomUUID } from "node:crypto";
import middy from "@middy/core";
import sqsPartialBatchFailure from "@middy/sqs-partial-batch-failure";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import type { Context, SQSBatchResponse, SQSEvent, ScheduledEvent } from "aws-lambda";
import { plan, type LpSolver } from "../lib/planner/index.ts";
import { runPlanningCycle, type PlanningCycleResult } from "../lib/service/index.ts";
import { loadHighsSolver } from "../lib/solver/highs-solver.ts";
import { wired, type Wired } from "./wire.ts";

type PlannerEvent = SQSEvent | ScheduledEvent;
export type PlannerHandler = (event: PlannerEvent, context: Context) => Promise<SQSBatchResponse | PlanningCycleResult>;

/** `solver`: the LP plan of record (HiGHS); without one the greedy passes plan and the plan says so. */
export function createPlanner(w: Wired, owner = `planner-${randomUUID()}`, solver?: () => Promise<LpSolver | null>): PlannerHandler {
  const cycle = async (why: string): Promise<PlanningCycleResult> => {
    const lp = solver ? await solver() : null;
    const planFn = lp ? { plan: (s: Parameters<typeof plan>[0], p: Parameters<typeof plan>[1], now: number) => plan(s, p, now, { solver: lp }) } : {};
    const result = await runPlanningCycle(w.deps, { owner, ...planFn }, { kind: "system", component: "planner", requestId: why });
    w.logger.info("planning cycle", { why, ...result });
    w.metrics.addMetric(result.ran ? "planCycles" : "planCyclesSkipped", MetricUnit.Count, 1);
    if (result.ran) {
      w.metrics.addMetric("planMs", MetricUnit.Milliseconds, result.planMs);
      w.metrics.addMetric("assignmentsWritten", MetricUnit.Count, result.assignmentsWritten);
      w.metrics.addMetric("jobsAtRisk", MetricUnit.Count, result.jobsAtRisk ?? 0);
      // Launches and terminations run in the capacity Lambda (lib/service/README.md says why). A lost
      // nudge is covered by the next cycle's, so it never fails a cycle that has committed.
      await w.capacityTrigger?.requestPlan(`plan ${result.at}`, result.at)
        .catch((err: unknown) => w.logger.warn("capacity trigger not sent", { reason: String(err) }));
    }
    return result;
  };

  const onTrigger = middy(async (event: SQSEvent) => {
    const result = await cycle(`sqs:${event.Records.length}`);
    // Another planner held the lock: its snapshot may predate these changes, so keep the
    // NEWEST trigger for a retry (on FIFO only a suffix of the batch may be failed).
    const last = event.Records.length - 1;
    return event.Records.map((_r, i): PromiseSettledResult<unknown> =>
      !result.ran && i === last ? { status: "rejected", reason: new Error("planner busy; retry") } : { status: "fulfilled", value: result.at });
  })
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics))
    .use(sqsPartialBatchFailure({ logger: (reason: unknown) => w.logger.warn("trigger kept for retry", { reason: String(reason) }) }));

  // Errors on the schedule propagate: the invocation fails visibly and the next tick retries.
  const onSchedule = middy(async (event: ScheduledEvent) => cycle(`schedule:${event.time}`))
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics));

  return (event, context) =>
    ("Records" in event ? onTrigger(event, context) : onSchedule(event, context)) as Promise<SQSBatchResponse | PlanningCycleResult>;
}

let planner: PlannerHandler | undefined;
let solver: Promise<LpSolver | null> | undefined;

export const handler: PlannerHandler = (event, context) => {
  // HiGHS loads once per container; if its WASM cannot load, cycles fall back to the greedy passes.
  planner ??= createPlanner(wired(), undefined, () => (solver ??= loadHighsSolver().catch(() => null)));
  return planner(event, context);
};
