import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { PollReply } from "./views.ts";

/** One task as the agent reports it. Terminal states are settled here (once; see lease-book.ts). */
export interface ReportedTask {
  taskId: string;
  token: string;
  state: "queued" | "running" | "succeeded" | "failed" | "interrupted";
  /** 0..1 */
  progress?: number;
  startedAt?: number;
  endedAt?: number;
  message?: string;
}

export interface PollInput {
  nodeId: string;
  tasks: ReportedTask[];
  metrics?: { cpuPct: number; memoryPct: number };
  /** The agent is stopping (spot notice, shutdown): hand it nothing new. */
  stopping?: boolean;
}

/** ONE call = heartbeat + progress + terminal reports + assignment channel (DESIGN.md "Agent protocol"). */
export async function pollAgent(deps: ServiceDeps, input: PollInput, actor: Actor): Promise<PollReply> {
  void deps; void input; void actor;
  throw new Error("pollAgent: not implemented yet");
}
