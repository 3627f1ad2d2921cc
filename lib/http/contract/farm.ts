/** Farm-wide routes: nodes, the farm overview, the audit log. */
import { z } from "zod";
import { defineRoute } from "../route.ts";
import { capabilitiesShape, id, idParams, instantQuery, isoOut, page, pageQuery } from "./common.ts";

/** Lease tokens the node holds are deliberately not part of the view. */
export const nodeView = z.object({
  id: z.string(),
  hostname: z.string(),
  pool: z.enum(["onprem", "cloud"]),
  status: z.string(),
  desiredStatus: z.enum(["run", "drain", "stop"]),
  capabilities: z.object(capabilitiesShape),
  tags: z.array(z.string()),
  slots: z.number(),
  running: z.number(),
  registeredAt: isoOut,
  lastSeenAt: isoOut,
  lastSeenAgeSec: z.number(),
  metrics: z.object({ cpuPct: z.number(), memoryPct: z.number() }).nullable(),
  agentVersion: z.string().nullable(),
  blocklist: z.array(z.string()),
  instanceType: z.string().optional(),
  market: z.enum(["spot", "on-demand"]).optional(),
  pricePerHour: z.number().optional(),
  clientId: z.string().optional(),
  holding: z.array(z.object({ taskId: z.string(), progress: z.number() })).optional()
    .describe("Tasks (jobId:step:index) the agent reported running at its last poll"),
  instanceId: z.string().optional(),
  registeredWith: z.string().optional(),
  revokedAt: isoOut.optional(),
});

export const listNodes = defineRoute({
  operationId: "listNodes", method: "GET", path: "/nodes", tag: "nodes",
  summary: "Every node with status, capabilities, host metrics and last-seen age", accepts: ["operator"],
  response: z.object({ items: z.array(nodeView) }),
});

export const drainNode = defineRoute({
  operationId: "drainNode", method: "POST", path: "/nodes/{id}/drain", tag: "nodes",
  summary: "Finish running tasks, take no new ones", accepts: ["operator"],
  params: idParams, response: nodeView,
});

export const enableNode = defineRoute({
  operationId: "enableNode", method: "POST", path: "/nodes/{id}/enable", tag: "nodes",
  summary: "Return a drained or disabled node to service", accepts: ["operator"],
  params: idParams, response: nodeView,
});

export const farmView = z.object({
  at: isoOut,
  nodes: z.object({ total: z.number(), ready: z.number(), busy: z.number(), draining: z.number(), disabled: z.number(), offline: z.number(), cloud: z.number() }),
  utilization: z.number().describe("busy slots / usable slots"),
  jobs: z.object({ active: z.number(), queued: z.number(), running: z.number(), suspended: z.number() }),
  deadlinesAtRisk: z.array(z.object({ jobId: z.string(), clientId: z.string(), name: z.string(), deadline: isoOut.nullable(), reason: z.string() })),
  costsToday: z.object({ cloudCost: z.number(), energyCost: z.number(), energyKWh: z.number(), cloudNodeHours: z.number(), onpremNodeHours: z.number() }),
  pendingBurst: z.number(),
  lastPlanAt: isoOut.nullable(),
  cloud: z.object({
    livePerHour: z.number().describe("what live cloud nodes (launched, not terminated) cost per hour together, USD"),
    liveInstances: z.number(),
    limits: z.object({
      maxSpendPerHour: z.number().nullable().describe("the farm's cloud ceiling, USD per hour (null: none configured)"),
      maxInstances: z.number().nullable().describe("most cloud instances at once (null: none configured)"),
    }),
  }).describe("cloud spend now against the farm's ceiling (deployment config: burstfarm:maxSpendPerHour / maxInstances)"),
});

export const getFarm = defineRoute({
  operationId: "getFarm", method: "GET", path: "/farm", tag: "farm",
  summary: "Utilization, cloud requests and deadlines at risk", accepts: ["operator"],
  response: farmView,
});

export const auditEventView = z.object({
  id: z.string(),
  at: isoOut,
  actor: z.string(),
  actorKind: z.string(),
  clientId: z.string().nullable(),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  requestId: z.string().nullable(),
});

export const getAudit = defineRoute({
  operationId: "getAudit", method: "GET", path: "/audit", tag: "audit",
  summary: "Who did what, when (operators: all; clients: their own)", accepts: ["operator", "client"],
  query: z.strictObject({
    jobId: id.optional(), clientId: id.optional(), from: instantQuery.optional(),
    to: instantQuery.describe("must not be before from; farm-wide queries reach back at most 400 days (the audit retention)").optional(), ...pageQuery,
  })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: "must not be before from", path: ["to"] }),
  response: page(auditEventView),
});
