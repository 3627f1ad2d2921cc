/**
 * Agent events that arrive through the agent-events SQS queue (agents that buffered reports
 * while offline flush them here). At-least-once delivery is fine: settling is accepted once,
 * a repeat is "duplicate" and a stale report is final (the agent was already told to stop),
 * so neither is retried. Only storage trouble (RetryableError) should fail the message.
 */
import { z } from "zod";
import type { Actor } from "./actor.ts";
import { StaleLeaseError } from "./errors.ts";
import { parseWith } from "./job-spec.ts";
import type { SettleResult } from "./lease-book.ts";
import type { ServiceDeps } from "./ports.ts";
import { completeTask, failTask } from "./settle-task.ts";

export const agentEventSchema = z.strictObject({
  type: z.enum(["succeeded", "failed", "interrupted"]),
  nodeId: z.string().min(1),
  taskId: z.string().min(1),
  token: z.string().min(1),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  message: z.string().max(4000).optional(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

export async function applyAgentEvent(deps: ServiceDeps, raw: unknown): Promise<SettleResult> {
  const e = parseWith(agentEventSchema, raw);
  // The queue is written only by the authenticated agent endpoint, which stamped the node id.
  const actor: Actor = { kind: "agent", nodeId: e.nodeId };
  const input = {
    nodeId: e.nodeId, taskId: e.taskId, token: e.token,
    ...(e.startedAt !== undefined ? { startedAt: e.startedAt } : {}), ...(e.endedAt !== undefined ? { endedAt: e.endedAt } : {}),
    ...(e.message !== undefined ? { message: e.message } : {}),
  };
  try {
    const r = e.type === "succeeded" ? await completeTask(deps, input, actor) : await failTask(deps, { ...input, kind: e.type }, actor);
    return r.result;
  } catch (err) {
    if (err instanceof StaleLeaseError) return "stale";
    throw err;
  }
}
