/**
 * EC2 notices from EventBridge: "EC2 Spot Instance Interruption Warning" and "EC2 Instance
 * Rebalance Recommendation" → handleCloudNotice (drain, requeue as interrupted; or flag for no
 * long tasks). Invoked asynchronously by the rules; the stack gives the target retries and a DLQ.
 * Idempotent, so a retried event is harmless. An unknown instance (not ours) is logged, not an error.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { z } from "zod";
import { handleCloudNotice, type NoticeResult } from "../lib/service/capacity/index.ts";
import { wired, type Wired } from "./wire.ts";

export const noticeTypes = {
  interruption: "EC2 Spot Instance Interruption Warning",
  rebalance: "EC2 Instance Rebalance Recommendation",
} as const;

const eventSchema = z.object({
  "detail-type": z.enum([noticeTypes.interruption, noticeTypes.rebalance]),
  time: z.iso.datetime(),
  detail: z.object({ "instance-id": z.string().regex(/^i-[0-9a-z]+$/) }),
});

export type CloudEventsHandler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<NoticeResult>;

export function createCloudEvents(w: Wired): CloudEventsHandler {
  return middy(async (raw: EventBridgeEvent<string, unknown>) => {
    const e = eventSchema.parse(raw);
    const kind = e["detail-type"] === noticeTypes.interruption ? "interruption" : "rebalance";
    const r = await handleCloudNotice(w.deps, { instanceId: e.detail["instance-id"], kind, at: Date.parse(e.time) }, { kind: "system", component: "cloud-events", requestId: raw.id });
    w.metrics.addMetric(kind === "interruption" ? "spotInterruptions" : "rebalanceRecommendations", MetricUnit.Count, 1);
    w.metrics.addMetric("tasksRequeuedByInterruption", MetricUnit.Count, r.requeued);
    if (!r.known) w.logger.info("notice for an instance burstfarm did not launch", { instanceId: r.nodeId, kind });
    return r;
  })
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics)) as unknown as CloudEventsHandler;
}

let events: CloudEventsHandler | undefined;

export const handler: CloudEventsHandler = (event, context) => {
  events ??= createCloudEvents(wired());
  return events(event, context);
};
