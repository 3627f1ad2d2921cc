/**
 * Agent routes (agent credentials only). One poll is heartbeat, progress report and assignment
 * channel (DESIGN.md "Agent protocol"); complete/fail settle one task attempt by its lease token.
 */
import { z } from "zod";
import { defineRoute } from "../route.ts";
import { registerAgentSchema } from "../../service/register-agent.ts";
import { id, isoOut } from "./common.ts";
import { frameOutputsBody } from "./outputs.ts";

/** The agent describes its host; pool, price, instance type, market, client and power are the farm's facts (refused). */
export const registerBody = registerAgentSchema;

const epochMs = z.number().int().nonnegative();
const token = z.string().min(1).max(256);

export const pollBody = z.strictObject({
  tasks: z.array(z.strictObject({
    taskId: id,
    token,
    state: z.enum(["queued", "running", "succeeded", "failed", "interrupted"]),
    progress: z.number().min(0).max(1).optional(),
    startedAt: epochMs.optional(),
    endedAt: epochMs.optional(),
    message: z.string().max(2000).optional(),
    outputs: frameOutputsBody.optional().describe("A success's latest frames (keys, not bytes)"),
  })).max(64).default([]),
  metrics: z.strictObject({ cpuPct: z.number().min(0).max(100), memoryPct: z.number().min(0).max(100) }).optional(),
  stopping: z.boolean().optional(),
});

const settleFields = {
  token,
  startedAt: epochMs.optional(),
  endedAt: epochMs.optional(),
  message: z.string().max(2000).optional(),
};

const nodeParams = z.strictObject({ nodeId: id });
const taskParams = z.strictObject({ nodeId: id, taskId: id });
const settleReply = z.object({ result: z.enum(["accepted", "duplicate", "stale"]) });

const tokenReply = { token: z.string().describe("node token (JWT): send as Authorization: Bearer on every agent route"), tokenExpiresAt: isoOut };

export const registerAgent = defineRoute({
  operationId: "registerAgent", method: "POST", path: "/agents/register", tag: "agents",
  summary: "With a registration secret: admit a new on-prem node. With a node credential: refresh that node. Either way: a node token. "
    + "Refused fields: pool, instanceType, market, pricePerHour, clientId, powerIdleW, powerBusyW (farm facts); an existing node id under a secret is 409.",
  accepts: ["registrant", "agent"],
  body: registerBody, bodyValidatedBy: "service",
  response: z.object({ nodeId: z.string(), ...tokenReply, pollIntervalSec: z.number(), leaseSec: z.number() }),
});

export const renewAgentToken = defineRoute({
  operationId: "renewAgentToken", method: "POST", path: "/agents/{nodeId}/token", tag: "agents",
  summary: "A fresh node token for the caller's own node (renew at about half the token's life)", accepts: ["agent"],
  params: nodeParams, response: z.object(tokenReply),
});

export const pollAgent = defineRoute({
  operationId: "pollAgent", method: "POST", path: "/agents/{nodeId}/poll", tag: "agents",
  summary: "Heartbeat + progress + terminal reports in; assignments, cancellations, next poll interval out",
  accepts: ["agent"], params: nodeParams, body: pollBody,
  response: z.object({
    assignments: z.array(z.object({
      taskId: z.string(), jobId: z.string(), stepName: z.string(), taskIndex: z.number(), token: z.string(), kind: z.string(),
      frames: z.array(z.number()).nullable(), params: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
      quality: z.number().nullable(), queued: z.boolean(), leaseExpiresAt: isoOut, estimatedSec: z.number(),
    })),
    cancel: z.array(z.object({ taskId: z.string(), token: z.string(), reason: z.string() })),
    acknowledged: z.array(z.object({ taskId: z.string(), token: z.string(), outcome: z.enum(["accepted", "duplicate", "stale", "retry"]) })),
    nextPollSec: z.number(),
    desiredStatus: z.enum(["run", "drain", "stop"]),
    leaseSec: z.number(),
  }),
});

export const completeTask = defineRoute({
  operationId: "completeTask", method: "POST", path: "/agents/{nodeId}/tasks/{taskId}/complete", tag: "agents",
  summary: "The task succeeded (accepted once; a repeat is 'duplicate'; a stale token is 409)", accepts: ["agent"],
  params: taskParams, body: z.strictObject({ ...settleFields, outputs: frameOutputsBody.optional().describe("The latest frames it wrote (keys, not bytes)") }), response: settleReply,
});

export const failTask = defineRoute({
  operationId: "failTask", method: "POST", path: "/agents/{nodeId}/tasks/{taskId}/fail", tag: "agents",
  summary: "The task failed (counts against retries) or was interrupted (spot, drain: does not)", accepts: ["agent"],
  params: taskParams,
  body: z.strictObject({ ...settleFields, kind: z.enum(["failed", "interrupted"]).default("failed") }),
  response: settleReply,
});

export const sessionToken = defineRoute({
  operationId: "agentSessionToken", method: "POST", path: "/agents/session-token", tag: "agents",
  summary: "A node token for the caller's node, for agents that authenticate otherwise (a cloud instance's IAM role session)",
  accepts: ["agent"], gatewayAuth: "iam", response: z.object(tokenReply),
});

export const getRunSpec = defineRoute({
  operationId: "getRunSpec", method: "GET", path: "/agents/{nodeId}/jobs/{jobId}/run-spec", tag: "agents",
  summary: "What this node runs for a job it was handed: per step the renderer (native) or the OpenJD template and job parameters",
  accepts: ["agent"], params: z.strictObject({ nodeId: id, jobId: id }),
  response: z.object({
    jobId: z.string(),
    steps: z.array(z.object({ name: z.string(), kind: z.string(), secondsPerFrame: z.number(), run: z.record(z.string(), z.unknown()) })),
    openjd: z.object({ template: z.unknown(), parameters: z.record(z.string(), z.union([z.string(), z.number()])) }).optional(),
  }),
});
