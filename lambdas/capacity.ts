/**
 * The capacity Lambda: one `runCapacity` per batch of capacity triggers (the planner sends one
 * after each cycle; the batch is coalesced like the planner's). Reserved concurrency 1 in the
 * stack: the guards compare against what is live, so two runs must not both pass a ceiling.
 * A launch the cloud throttled throughout stays pending and the newest trigger is kept for a
 * retry after the visibility timeout (SQS is the backoff); ClientTokens make the resend safe.
 * Metrics feed the alarms: launches, launch failures, live spend per hour and instances.
 */
import middy from "@middy/core";
import sqsPartialBatchFailure from "@middy/sqs-partial-batch-failure";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { isLiveCloud, runCapacity } from "../lib/service/capacity/index.ts";
import { wired, type Wired } from "./wire.ts";
import { wiredCloud, type CloudWiring } from "./wire-cloud.ts";

export type CapacityHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createCapacity(w: Wired, c: CloudWiring): CapacityHandler {
  return middy(async (event: SQSEvent) => {
    const r = await runCapacity(w.deps, c.cloud, { limits: c.limits, farm: c.farm }, { kind: "system", component: "capacity", requestId: event.Records[0]?.messageId ?? "capacity" });
    const live = (await w.deps.nodes.list()).filter(isLiveCloud);
    w.metrics.addMetric("cloudLaunched", MetricUnit.Count, r.launched.length);
    w.metrics.addMetric("cloudTerminated", MetricUnit.Count, r.terminated.length);
    w.metrics.addMetric("cloudLaunchFailures", MetricUnit.Count, r.outcomes.failed.length + r.outcomes.refused.length + r.outcomes.partial.length);
    w.metrics.addMetric("cloudSpendPerHour", MetricUnit.NoUnit, live.reduce((t, n) => t + (n.pricePerHour ?? 0), 0));
    w.metrics.addMetric("cloudInstances", MetricUnit.Count, live.length);
    w.logger.info("capacity run", { ...r });
    const last = event.Records.length - 1;
    return event.Records.map((_r, i): PromiseSettledResult<unknown> =>
      r.outcomes.retry.length > 0 && i === last ? { status: "rejected", reason: new Error(`cloud throttled: ${r.outcomes.retry.join(", ")}`) } : { status: "fulfilled", value: null });
  })
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics))
    .use(sqsPartialBatchFailure({ logger: (reason: unknown) => w.logger.warn("capacity trigger kept for retry", { reason: String(reason) }) })) as unknown as CapacityHandler;
}

let capacity: CapacityHandler | undefined;

export const handler: CapacityHandler = (event, context) => {
  capacity ??= createCapacity(wired(), wiredCloud());
  return capacity(event, context);
};
