/** Job routes: submit, list, inspect ("why is it not running?"), edit, cancel, approve. */
import { z } from "zod";
import { jobSpecSchema } from "../../service/job-spec.ts";
import { openJdSubmissionSchema } from "../../service/openjd-job.ts";
import { defineRoute } from "../route.ts";
import { id, idParams, isoOut, page, pageQuery } from "./common.ts";

const progress = z.object({
  tasks: z.number(), done: z.number(), running: z.number(), pending: z.number(), failed: z.number(), fraction: z.number(),
});

export const jobStatus = z.enum(["queued", "running", "suspended", "done", "failed", "canceled"]);

export const jobView = z.object({
  id: z.string(),
  clientId: z.string(),
  name: z.string(),
  status: jobStatus,
  priority: z.number(),
  submittedAt: isoOut,
  deadline: isoOut.nullable(),
  finishedAt: isoOut.nullable(),
  suspended: z.boolean(),
  cloudAllowed: z.boolean(),
  energyIntensive: z.boolean(),
  dependsOn: z.array(z.string()),
  preview: z.object({
    previewFirst: z.boolean(),
    approval: z.enum(["not-required", "pending", "approved"]),
    lowQualityPass: z.object({ everyNth: z.number(), quality: z.number() }).nullable(),
  }),
  progress,
  steps: z.array(z.object({ name: z.string(), kind: z.string(), role: z.enum(["final", "preview"]), dependsOn: z.array(z.string()), progress })),
  outlook: z.object({ meetsDeadline: z.boolean().nullable(), projectedFinish: isoOut.nullable(), slackSec: z.number().nullable(), atRisk: z.boolean() })
    .describe("Will it meet its deadline (from the last plan)"),
  why: z.object({ outcome: z.string(), reason: z.string(), rank: z.number(), planAt: isoOut }).nullable()
    .describe("Why the job is or is not running (the last plan's decision)"),
  version: z.number(),
});

/**
 * Either form: a body with `template` is an OpenJD `jobtemplate-2023-09` template (JSON/YAML
 * text or object) with parameter values; otherwise the native form. The service owns both
 * schemas and validates with them (bodyValidatedBy: "service"); here they document the route.
 */
export const submitJobBody = z.union([openJdSubmissionSchema, jobSpecSchema]);

export const submitJob = defineRoute({
  operationId: "submitJob", method: "POST", path: "/jobs", tag: "jobs", status: 201,
  otherStatuses: { 200: "replay: this Idempotency-Key was already used for the same job (the existing job, unchanged)" },
  summary: "Submit a job: an OpenJD jobtemplate-2023-09 template with parameter values, or the native form. "
    + "Send Idempotency-Key to make retries safe: the same key with the same job (defaults spelled out or not, keys in any order) "
    + "answers 200 with the existing job; the same key with a different job is 409.",
  accepts: ["client", "operator"], body: submitJobBody, bodyValidatedBy: "service", response: jobView, maxBodyBytes: 1024 * 1024,
  headerParams: {
    "Idempotency-Key": {
      description: "Makes retries safe: scoped to the client; same job → 200 with the existing job, a different job → 409",
      schema: { type: "string", pattern: "^[A-Za-z0-9_.:-]{1,128}$" },
    },
  },
});

export const listJobs = defineRoute({
  operationId: "listJobs", method: "GET", path: "/jobs", tag: "jobs",
  summary: "Jobs, newest first (clients see their own)", accepts: ["client", "operator"],
  query: z.strictObject({ clientId: id.optional(), status: jobStatus.optional(), ...pageQuery }),
  response: page(jobView),
});

export const getJob = defineRoute({
  operationId: "getJob", method: "GET", path: "/jobs/{id}", tag: "jobs",
  summary: "Status, progress, deadline outlook and why it is or is not running", accepts: ["client", "operator"],
  params: idParams, response: jobView,
});

export const editJobBody = z.strictObject({
  deadline: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time with zone, e.g. 2026-11-24T18:00:00Z" }).nullable().optional(),
  priority: z.number({ error: "expected an integer 0..100" }).int("expected an integer 0..100").min(0).max(100).optional(),
  suspended: z.boolean({ error: "expected true or false" }).optional(),
}).refine((b) => Object.keys(b).length > 0, { error: "name at least one of deadline, priority, suspended", when: (p) => p.issues.length === 0 })
  .meta({ description: "At least one of deadline (in the future), priority, suspended.", minProperties: 1 });

export const editJob = defineRoute({
  operationId: "editJob", method: "PATCH", path: "/jobs/{id}", tag: "jobs",
  summary: "Change deadline or priority, suspend or resume (replans within seconds)", accepts: ["client", "operator"],
  params: idParams, body: editJobBody, response: jobView,
});

export const cancelJob = defineRoute({
  operationId: "cancelJob", method: "DELETE", path: "/jobs/{id}", tag: "jobs",
  summary: "Cancel; running frames are told to stop at their next poll", accepts: ["client", "operator"],
  params: idParams, response: jobView,
});

export const approveJob = defineRoute({
  operationId: "approveJob", method: "POST", path: "/jobs/{id}/approve", tag: "jobs",
  summary: "Approve the preview so final frames may run", accepts: ["client", "operator"],
  params: idParams, response: jobView,
});

export const getTaskLog = defineRoute({
  operationId: "getTaskLog", method: "GET", path: "/jobs/{id}/tasks/{taskId}/log", tag: "jobs",
  summary: "The full log of a task's latest attempt (the last 1 MB), as the agent uploaded it", accepts: ["client", "operator"],
  params: z.strictObject({ id, taskId: z.string().min(1).max(400) }),
  response: z.object({ taskId: z.string(), log: z.string(), truncated: z.boolean() }),
});
