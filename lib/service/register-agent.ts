import type { Capabilities } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";

export interface RegisterAgentInput {
  nodeId: string;
  hostname: string;
  pool: "onprem" | "cloud";
  capabilities: Capabilities;
  tags?: string[];
  slots?: number;
  powerIdleW?: number;
  powerBusyW?: number;
  agentVersion?: string;
  /** Cloud nodes: what the EC2 adapter launched. */
  instanceType?: string;
  market?: "spot" | "on-demand";
  pricePerHour?: number;
  clientId?: string;
}

/** Create or refresh a node (idempotent; re-registering keeps status, speed and blocklist). */
export async function registerAgent(deps: ServiceDeps, input: RegisterAgentInput, actor: Actor): Promise<{ nodeId: string; pollIntervalSec: number; leaseSec: number }> {
  void deps; void input; void actor;
  throw new Error("registerAgent: not implemented yet");
}
