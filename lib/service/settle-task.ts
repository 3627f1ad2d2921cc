import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { SettleResult } from "./lease-book.ts";

export interface SettleTaskInput {
  nodeId: string;
  taskId: string;
  token: string;
  startedAt?: number;
  endedAt?: number;
  message?: string;
}

/** A task finished. Accepted once; the same report again is "duplicate"; a stale token throws StaleLeaseError. */
export async function completeTask(deps: ServiceDeps, input: SettleTaskInput, actor: Actor): Promise<{ result: SettleResult }> {
  void deps; void input; void actor;
  throw new Error("completeTask: not implemented yet");
}

/** A task failed (`failed` counts against retries) or was interrupted (spot, drain: does not count). */
export async function failTask(deps: ServiceDeps, input: SettleTaskInput & { kind: "failed" | "interrupted" }, actor: Actor): Promise<{ result: SettleResult }> {
  void deps; void input; void actor;
  throw new Error("failTask: not implemented yet");
}
