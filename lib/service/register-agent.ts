/** Agents register on start (and again after a restart): create or refresh the node record. */
import { z } from "zod";
import { assertAgent, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { parseWith } from "./job-spec.ts";
import type { NodeRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { launchFacts } from "./capacity/cloud-node.ts";

const capabilities = z.strictObject({
  vcpu: z.number().positive(), memoryGiB: z.number().positive(), gpuCount: z.number().int().min(0),
  gpuModel: z.string().optional(), gpuMemoryGiB: z.number().min(0).optional(),
  os: z.enum(["linux", "windows", "macos"]), cpuArch: z.string().min(1),
  amounts: z.record(z.string(), z.number()).optional(),
  attributes: z.record(z.string(), z.array(z.string())).optional(),
});

export const registerAgentSchema = z.strictObject({
  nodeId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only"),
  hostname: z.string().min(1).max(255),
  pool: z.enum(["onprem", "cloud"]).default("onprem"),
  capabilities,
  tags: z.array(z.string().min(1).max(64)).max(50).default([]),
  slots: z.number().int().min(1).max(64).default(1),
  powerIdleW: z.number().min(0).max(100_000).default(100),
  powerBusyW: z.number().min(0).max(100_000).default(400),
  agentVersion: z.string().max(64).optional(),
  instanceType: z.string().max(64).optional(),
  market: z.enum(["spot", "on-demand"]).optional(),
  pricePerHour: z.number().min(0).optional(),
  clientId: z.string().max(64).optional(),
});

export type RegisterAgentInput = z.input<typeof registerAgentSchema>;

/** Idle agents poll this often; a lease lapses after `leaseSec` without a poll. */
export const idlePollSec = 15;

/** Create or refresh a node (idempotent; re-registering keeps status, speed and blocklist). */
export async function registerAgent(deps: ServiceDeps, raw: RegisterAgentInput, actor: Actor): Promise<{ nodeId: string; pollIntervalSec: number; leaseSec: number }> {
  const input = parseWith(registerAgentSchema, raw);
  assertAgent(actor, input.nodeId);
  const now = deps.clock.now();
  const { policy } = await deps.plans.settings();
  const fields = {
    hostname: input.hostname, pool: input.pool, capabilities: input.capabilities, tags: input.tags, slots: input.slots,
    powerIdleW: input.powerIdleW, powerBusyW: input.powerBusyW, agentVersion: input.agentVersion ?? null,
    ...(input.instanceType ? { instanceType: input.instanceType } : {}), ...(input.market ? { market: input.market } : {}),
    ...(input.pricePerHour !== undefined ? { pricePerHour: input.pricePerHour } : {}), ...(input.clientId ? { clientId: input.clientId } : {}),
  };
  const existing = await deps.nodes.get(input.nodeId);
  if (!existing) {
    const node: NodeRecord = {
      id: input.nodeId, ...fields, status: "ready", speed: {}, blocklist: [], idleSince: now,
      registeredAt: now, lastSeenAt: now, metrics: null, holding: [], desiredStatus: "run", inbox: [], version: 1,
    };
    await deps.nodes.put(node);
    await audit(deps, actor, { clientId: null, action: "node.register", target: { type: "node", id: node.id }, after: fields });
  } else {
    await deps.nodes.update(input.nodeId, (n) => ({
      // A node that was powered down and has come back wants work again.
      // A node the farm launched keeps its launch facts (pool, type, market, price, client).
      next: {
        ...n, ...fields, ...launchFacts(n), lastSeenAt: now,
        status: n.status === "offline" || n.status === "booting" || n.status === "asleep" ? "ready" : n.status,
        desiredStatus: n.status === "asleep" ? "run" : n.desiredStatus,
      },
      result: null,
    }));
  }
  return { nodeId: input.nodeId, pollIntervalSec: idlePollSec, leaseSec: policy.leaseSec };
}
