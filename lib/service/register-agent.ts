/**
 * Agents register on start: an on-prem agent with an operator's registration secret (a new node
 * is admitted and gets its token), or any agent with its node credential (its existing record is
 * refreshed and it gets a fresh token). The agent describes its host (hostname, capabilities,
 * tags, slots, version); pool, instance type, market, price, client and power are the farm's
 * facts — the secret's operator config on-prem, the launch record in the cloud — and a body
 * that names them is refused.
 */
import { z } from "zod";
import { assertOperator, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { ConflictError, ForbiddenError, NotFoundError, RetryableError, ValidationError } from "./errors.ts";
import { issueNodeToken, isLive } from "./identity/agent-identity.ts";
import { parseWith } from "./job-spec.ts";
import type { NodeRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { launchFacts } from "./capacity/cloud-node.ts";

const nodeIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only");
const capabilities = z.strictObject({
  vcpu: z.number().positive().max(100_000), memoryGiB: z.number().positive().max(1_000_000), gpuCount: z.number().int().min(0).max(1024),
  gpuModel: z.string().min(1).max(128).optional(), gpuMemoryGiB: z.number().min(0).max(1_000_000).optional(),
  os: z.enum(["linux", "windows", "macos"]), cpuArch: z.string().min(1).max(64),
  amounts: z.record(z.string().max(128), z.number().min(-1e15).max(1e15)).optional(),
  attributes: z.record(z.string().max(128), z.array(z.string().max(256)).max(64)).optional(),
});

/** What an agent may say about itself. */
const hostShape = {
  hostname: z.string().min(1).max(255),
  capabilities,
  tags: z.array(z.string().min(1).max(64)).max(50).default([]),
  slots: z.number().int().min(1).max(64).default(1),
  agentVersion: z.string().max(64).optional(),
};

const farmFactFields = ["pool", "instanceType", "market", "pricePerHour", "clientId", "powerIdleW", "powerBusyW"] as const;

export const registerAgentSchema = z.strictObject({
  /** A name for a NEW node (secret registration); with a node credential, the node itself. Absent: the farm picks one. */
  nodeId: nodeIdSchema.optional(),
  ...hostShape,
});
export type RegisterAgentInput = z.input<typeof registerAgentSchema>;

/** Whoever calls register: an agent (node credential) or a registration-secret holder. */
export type RegisterCaller = Actor | { kind: "registrant"; secretId: string; requestId?: string };

export interface Registration {
  nodeId: string;
  token: string;
  tokenExpiresAt: string;
  pollIntervalSec: number;
  leaseSec: number;
}

/** Idle agents poll this often; a lease lapses after `leaseSec` without a poll. */
export const idlePollSec = 15;

export async function registerAgent(deps: ServiceDeps, raw: RegisterAgentInput, caller: RegisterCaller): Promise<Registration> {
  refuseFarmFacts(raw);
  const input = parseWith(registerAgentSchema, raw);
  // No token could be handed over: refuse before writing anything.
  if (!deps.credentials) throw new RetryableError("agent tokens are not configured (BURSTFARM_AGENT_TOKEN_KEYS)");
  const nodeId = caller.kind === "registrant" ? await admit(deps, input, caller) : await refresh(deps, input, caller);
  const { policy } = await deps.plans.settings();
  const t = await issueNodeToken(deps, nodeId);
  return { nodeId, token: t.token, tokenExpiresAt: new Date(t.expiresAt).toISOString(), pollIntervalSec: idlePollSec, leaseSec: policy.leaseSec };
}

function refuseFarmFacts(raw: unknown): void {
  if (raw === null || typeof raw !== "object") return;
  const named = farmFactFields.filter((f) => Object.hasOwn(raw, f));
  if (named.length === 0) return;
  const [first, ...more] = named.map((f) => ({ field: f, problem: "set by the farm (operator config or launch record), not by the agent" }));
  throw new ValidationError(first!.field, first!.problem, { more });
}

/**
 * A new on-prem node under a live registration secret; never takes over a node it did not admit.
 * A secret bound to one machine registers exactly that node, again as often as it must.
 */
async function admit(deps: ServiceDeps, input: z.infer<typeof registerAgentSchema>, caller: { secretId: string; requestId?: string }): Promise<string> {
  const secret = await deps.secrets.get(caller.secretId);
  if (!secret || secret.revokedAt !== null) throw new ForbiddenError("registration secret is revoked");
  if (secret.nodeId !== null) {
    if (input.nodeId !== undefined && input.nodeId !== secret.nodeId) throw new ForbiddenError(`this registration secret is for node ${secret.nodeId}, not ${input.nodeId}`);
    const existing = await deps.nodes.get(secret.nodeId);
    if (existing && existing.registeredWith !== secret.id) throw new ConflictError(`node ${secret.nodeId} was admitted otherwise; this secret cannot re-register it`);
    const self: Actor = { kind: "agent", nodeId: secret.nodeId, ...(caller.requestId ? { requestId: caller.requestId } : {}) };
    if (existing) return refresh(deps, input, self);
  }
  const nodeId = secret.nodeId ?? input.nodeId ?? deps.ids.id("node");
  const now = deps.clock.now();
  const node = newNode(nodeId, now, {
    hostname: input.hostname, capabilities: input.capabilities, tags: input.tags, slots: input.slots,
    agentVersion: input.agentVersion ?? null, pool: "onprem", powerIdleW: secret.powerIdleW, powerBusyW: secret.powerBusyW,
    registeredWith: secret.id,
  });
  if (!(await deps.nodes.create(node))) {
    throw new ConflictError(`node ${nodeId} is already registered; refresh it with its own node token, or register under another id`);
  }
  const actor: Actor = { kind: "agent", nodeId, ...(caller.requestId ? { requestId: caller.requestId } : {}) };
  await audit(deps, actor, { clientId: null, action: "node.register", target: { type: "node", id: nodeId }, after: { ...hostFields(node), pool: node.pool, registeredWith: secret.id } });
  return nodeId;
}

/** The caller's own node, re-described by its agent; the farm's facts on the record stay as they are. */
async function refresh(deps: ServiceDeps, input: z.infer<typeof registerAgentSchema>, actor: Actor): Promise<string> {
  if (actor.kind !== "agent") throw new ForbiddenError("only agents register");
  if (input.nodeId !== undefined && input.nodeId !== actor.nodeId) {
    throw new ForbiddenError(`this credential is for node ${actor.nodeId}, not ${input.nodeId}`);
  }
  const existing = await deps.nodes.get(actor.nodeId);
  if (!existing) throw new NotFoundError("node", actor.nodeId);
  if (!isLive(existing)) throw new ForbiddenError(`node ${actor.nodeId} is revoked`);
  const now = deps.clock.now();
  await deps.nodes.update(actor.nodeId, (n) => ({
    next: {
      ...n, hostname: input.hostname, capabilities: input.capabilities, tags: input.tags, slots: input.slots,
      agentVersion: input.agentVersion ?? null, lastSeenAt: now,
      // A node the farm launched keeps its launch facts (pool, type, market, price, client).
      ...launchFacts(n),
      // A node that was powered down and has come back wants work again, idle from now (not from before it slept).
      status: n.status === "offline" || n.status === "booting" || n.status === "asleep" ? "ready" : n.status,
      desiredStatus: n.status === "asleep" ? "run" : n.desiredStatus,
      ...(n.status === "offline" || n.status === "asleep" ? { idleSince: now } : {}),
    },
    result: null,
  }));
  return actor.nodeId;
}

const hostFields = (n: NodeRecord) => ({ hostname: n.hostname, capabilities: n.capabilities, tags: n.tags, slots: n.slots, agentVersion: n.agentVersion });

type NodeFields = Pick<NodeRecord, "hostname" | "capabilities" | "tags" | "slots" | "agentVersion" | "pool" | "powerIdleW" | "powerBusyW">
  & Partial<Pick<NodeRecord, "instanceType" | "market" | "pricePerHour" | "clientId" | "instanceId" | "registeredWith">>;

export function newNode(id: string, now: number, fields: NodeFields): NodeRecord {
  return {
    id, ...fields, status: "ready", speed: {}, blocklist: [], idleSince: now,
    registeredAt: now, lastSeenAt: now, metrics: null, holding: [], desiredStatus: "run", inbox: [], version: 1,
  };
}

/**
 * A node record written by the farm itself (a cloud launch, an operator, a test fixture): the
 * farm's facts included. `system` or operator only; replaces nothing that exists.
 */
export const admitNodeSchema = z.strictObject({
  nodeId: nodeIdSchema,
  ...hostShape,
  pool: z.enum(["onprem", "cloud"]).default("onprem"),
  powerIdleW: z.number().min(0).max(100_000).default(100),
  powerBusyW: z.number().min(0).max(100_000).default(400),
  instanceId: z.string().max(64).optional(),
  instanceType: z.string().max(64).optional(),
  market: z.enum(["spot", "on-demand"]).optional(),
  pricePerHour: z.number().min(0).max(1e6).optional(),
  clientId: z.string().max(64).optional(),
});
export type AdmitNodeInput = z.input<typeof admitNodeSchema>;

export async function admitNode(deps: ServiceDeps, raw: AdmitNodeInput, actor: Actor): Promise<NodeRecord> {
  assertOperator(actor, "admitting a node");
  const { nodeId, agentVersion, ...rest } = parseWith(admitNodeSchema, raw);
  const node = newNode(nodeId, deps.clock.now(), { ...rest, agentVersion: agentVersion ?? null });
  if (!(await deps.nodes.create(node))) throw new ConflictError(`node ${nodeId} already exists`);
  await audit(deps, actor, { clientId: null, action: "node.admit", target: { type: "node", id: nodeId }, after: { ...hostFields(node), pool: node.pool } });
  return node;
}
