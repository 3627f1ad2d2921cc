/**
 * Agent events consumer: terminal task reports that agents (or the spot-interruption path)
 * queue instead of calling the API — offline-safe buffering. Each message settles one task
 * attempt by its lease token, which the service accepts once: a redelivered message is a
 * "duplicate", a superseded attempt is "stale"; both are done, not retried. Storage trouble
 * fails only that message (partial batch failure); a malformed message goes to the DLQ.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";
import { completeTask, failTask, StaleLeaseError } from "../lib/service/index.ts";
import { id } from "../lib/http/contract/common.ts";
import { type SqsHandler, sqsConsumer } from "./sqs-consumer.ts";
import { wired, type Wired } from "./wire.ts";

export const agentEventSchema = z.strictObject({
  type: z.enum(["task-succeeded", "task-failed", "task-interrupted"]),
  nodeId: id,
  taskId: id,
  token: z.string().min(1).max(256),
  startedAt: z.number().int().nonnegative().optional(),
  endedAt: z.number().int().nonnegative().optional(),
  message: z.string().max(2000).optional(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

export type AgentEventsHandler = SqsHandler;

export function createAgentEvents(w: Wired): AgentEventsHandler {
  const settle = async (record: SQSRecord): Promise<string> => {
    const { type, ...e } = agentEventSchema.parse(JSON.parse(record.body));
    const actor = { kind: "agent" as const, nodeId: e.nodeId, requestId: record.messageId };
    try {
      const { result } = type === "task-succeeded"
        ? await completeTask(w.deps, e, actor)
        : await failTask(w.deps, { ...e, kind: type === "task-failed" ? "failed" : "interrupted" }, actor);
      w.metrics.addMetric(`agentEvent.${result}`, MetricUnit.Count, 1);
      return result;
    } catch (err) {
      if (err instanceof StaleLeaseError) return "stale";
      throw err;
    }
  };
  return sqsConsumer(w, settle, "agent event not settled");
}

let consumer: AgentEventsHandler | undefined;

export const handler: AgentEventsHandler = (event, context) => {
  consumer ??= createAgentEvents(wired());
  return consumer(event, context);
};
