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
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord, ScheduledEvent } from "aws-lambda";
import type { LpSolver } from "../lib/planner/index.ts";
import { runPlanningCycle, type PlanFn, type PlanningCycleResult } from "../lib/service/index.ts";
import { loadHighsSolver } from "../lib/solver/highs-solver.ts";
import { RollingPlanOfRecord, type PlanOutcome, type PlanWay } from "../lib/solver/rolling-plan-of-record.ts";
import { wired, type Wired } from "./wire.ts";

type PlannerEvent = SQSEvent | ScheduledEvent;
export type PlannerHandler = (event: PlannerEvent, context: Context) => Promise<SQSBatchResponse | PlanningCycleResult>;

/**
 * `planOfRecord`: the LP planner of record across cycles (solve, or replay a fresh solution: see
 * lib/solver/rolling-plan-of-record.ts). Without one the greedy passes plan every cycle. Each
 * cycle's way (solved / replayed / greedy) is a metric and is logged with its reason.
 */
export function createPlanner(w: Wired, owner = `planner-${randomUUID()}`, planOfRecord?: RollingPlanOfRecord): PlannerHandler {
  const cycle = async (why: string, triggers: readonly string[]): Promise<PlanningCycleResult> => {
    await planOfRecord?.ready();
    const planFn: PlanFn | undefined = planOfRecord ? (s, p, now) => planOfRecord.plan(s, p, now, triggers) : undefined;
    const result = await runPlanningCycle(w.deps, { owner, ...(planFn ? { plan: planFn } : {}) }, { kind: "system", component: "planner", requestId: why });
    if (!result.ran) planOfRecord?.skipped(triggers);
    const way: PlanOutcome = planOfRecord?.last ?? { way: "greedy", why: "no planner of record wired: the greedy passes planned" };
    w.logger.info("planning cycle", { why, ...result, ...(result.ran ? { planWay: way.way, planWayWhy: way.why } : {}) });
    w.metrics.addMetric(result.ran ? "planCycles" : "planCyclesSkipped", MetricUnit.Count, 1);
    if (result.ran) {
      w.metrics.addMetric(wayMetric[way.way], MetricUnit.Count, 1);
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
    const result = await cycle(`sqs:${event.Records.length}`, event.Records.map(triggerReason));
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
  const onSchedule = middy(async (event: ScheduledEvent) => cycle(`schedule:${event.time}`, ["schedule"]))
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics));

  return (event, context) =>
    ("Records" in event ? onTrigger(event, context) : onSchedule(event, context)) as Promise<SQSBatchResponse | PlanningCycleResult>;
}

const wayMetric: Record<PlanWay, string> = { solved: "planSolved", replayed: "planReplayed", greedy: "planGreedy" };

/** A plan-trigger message's reason (lib/adapters/aws/sqs-queue.ts PlanTriggerMessage); unreadable: not a settled task. */
function triggerReason(r: SQSRecord): string {
  try {
    const reason = (JSON.parse(r.body) as { reason?: unknown }).reason;
    return typeof reason === "string" ? reason : "unknown trigger";
  } catch {
    return "unknown trigger";
  }
}

let planner: PlannerHandler | undefined;
let solver: Promise<LpSolver | null> | undefined;

/** HiGHS, loaded once per process; null if its WASM cannot load (cycles then fall back to the greedy passes). */
export const planOfRecordSolver = (): Promise<LpSolver | null> => (solver ??= loadHighsSolver().catch(() => null));

export const handler: PlannerHandler = (event, context) => {
  planner ??= createPlanner(wired(), undefined, new RollingPlanOfRecord(planOfRecordSolver));
  return planner(event, context);
};
