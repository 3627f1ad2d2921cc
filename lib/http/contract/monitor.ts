/**
 * Read routes (and one action) the web monitor needs beyond the job and farm routes: a job's
 * frame grid, what jobs have cost so far, the farm over time, and requeueing failed tasks.
 */
import { z } from "zod";
import { defineRoute } from "../route.ts";
import { id, idParams, instantQuery, isoOut } from "./common.ts";
import { jobView } from "./jobs.ts";

const ranges = z.array(z.object({ from: z.number(), to: z.number() }));

export const jobTasksView = z.object({
  jobId: z.string(),
  steps: z.array(z.object({
    name: z.string(),
    role: z.enum(["final", "preview"]),
    kind: z.string(),
    taskCount: z.number(),
    framesPerTask: z.number(),
    frames: z.array(z.object({ start: z.number(), end: z.number(), step: z.number() })).nullable()
      .describe("Frame list of a native step: task i covers list positions [i×framesPerTask, (i+1)×framesPerTask)"),
    done: ranges,
    pending: ranges,
    failed: ranges.describe("Out of retries"),
    running: z.array(z.object({ taskIndex: z.number(), nodeId: z.string(), queued: z.boolean(), grantedAt: isoOut, expectedEndAt: isoOut })),
    failedAttempts: z.record(z.string(), z.number()),
    previewTasks: z.array(z.number()).describe("Tasks rendered first as the shot's preview"),
  })),
});

export const getJobTasks = defineRoute({
  operationId: "getJobTasks", method: "GET", path: "/jobs/{id}/tasks", tag: "jobs",
  summary: "The job's frame grid: done, running (where), pending and failed tasks per step, preview frames marked",
  accepts: ["client", "operator"], params: idParams, response: jobTasksView,
});

export const requeueFailed = defineRoute({
  operationId: "requeueFailed", method: "POST", path: "/jobs/{id}/requeue-failed", tag: "jobs",
  summary: "Return tasks that ran out of retries to the queue with fresh retries", accepts: ["client", "operator"],
  params: idParams, response: jobView,
});

export const jobCostView = z.object({
  jobId: z.string(), clientId: z.string(), cloudCost: z.number(), energyCost: z.number(), energyKWh: z.number(), nodeHours: z.number(),
});

export const getJobCosts = defineRoute({
  operationId: "getJobCosts", method: "GET", path: "/job-costs", tag: "jobs",
  summary: "Cost so far (cloud + energy) of up to 100 jobs; jobs that have not run have no entry", accepts: ["client", "operator"],
  query: z.strictObject({
    ids: z.string().transform((s) => s.split(",").filter((x) => x !== "")).pipe(z.array(id).min(1, "name at least one job id").max(100, "at most 100 job ids")),
  }),
  response: z.object({ items: z.array(jobCostView), at: isoOut.describe("The farm's clock when read: the page shows times relative to it (local mode runs faster than real time)") }),
});

const share = z.object({
  clientId: z.string(), guaranteedSlots: z.number(), maxSlots: z.number(), demandSlots: z.number(), usedSlots: z.number(), borrowedSlots: z.number(),
});

export const farmSampleView = z.object({
  at: isoOut,
  usableSlots: z.number(),
  busySlots: z.number(),
  nodes: z.object({ onprem: z.number(), cloud: z.number(), offline: z.number() }),
  powerKW: z.number(),
  pricePerKWh: z.number().nullable(),
  cloudPerHour: z.number(),
  shares: z.array(share),
});

export const farmHistoryView = z.object({
  from: isoOut,
  to: isoOut,
  samples: z.array(farmSampleView),
  tariff: z.object({
    currency: z.string(), defaultPricePerKWh: z.number(),
    slots: z.array(z.object({ startAt: isoOut, endAt: isoOut, pricePerKWh: z.number() })),
  }).nullable(),
});

export const getFarmHistory = defineRoute({
  operationId: "getFarmHistory", method: "GET", path: "/farm/history", tag: "farm",
  summary: "One sample per planning cycle (utilization, power, cloud price per hour, client shares) and the tariff curve; default the last 24 h",
  accepts: ["operator"],
  query: z.strictObject({ from: instantQuery.optional(), to: instantQuery.optional() })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: "must not be before from", path: ["to"] })
    .refine((q) => q.from === undefined || q.to === undefined || q.to - q.from <= 8 * 86_400_000, { error: "at most 8 days", path: ["from"] }),
  response: farmHistoryView,
});
