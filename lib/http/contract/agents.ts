/**
 * Agent routes (agent credentials only). One poll is heartbeat, progress report and assignment
 * channel (DESIGN.md "Agent protocol"); complete/fail settle one task attempt by its lease token.
 */
import { z } from "zod";
import { defineRoute } from "../route.ts";
import { capabilitiesShape, id, isoOut } from "./common.ts";

const capabilities = z.strictObject(capabilitiesShape);

export const registerBody = z.strictObject({
  nodeId: id,
  hostname: z.string().min(1).max(255),
  pool: z.enum(["onprem", "cloud"]),
  capabilities,
  tags: z.array(z.string().min(1).max(64)).max(50).optional(),
  slots: z.number().int().min(1).max(64).optional(),
  powerIdleW: z.number().nonnegative().optional(),
  powerBusyW: z.number().nonnegative().optional(),
  agentVersion: z.string().max(64).optional(),
  instanceType: z.string().max(64).optional(),
  market: z.enum(["spot", "on-demand"]).optional(),
  pricePerHour: z.number().nonnegative().optional(),
  clientId: id.optional(),
});

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

export const registerAgent = defineRoute({
  operationId: "registerAgent", method: "POST", path: "/agents/register", tag: "agents",
  summary: "Create or refresh this node (idempotent)", accepts: ["agent"],
  body: registerBody,
  response: z.object({ nodeId: z.string(), pollIntervalSec: z.number(), leaseSec: z.number() }),
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
  params: taskParams, body: z.strictObject(settleFields), response: settleReply,
});

export const failTask = defineRoute({
  operationId: "failTask", method: "POST", path: "/agents/{nodeId}/tasks/{taskId}/fail", tag: "agents",
  summary: "The task failed (counts against retries) or was interrupted (spot, drain: does not)", accepts: ["agent"],
  params: taskParams,
  body: z.strictObject({ ...settleFields, kind: z.enum(["failed", "interrupted"]).default("failed") }),
  response: settleReply,
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
