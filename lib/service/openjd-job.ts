/**
 * Submission with an OpenJD `jobtemplate-2023-09` template: `{ template, parameters, ...the
 * scheduling fields of the native form }` → a JobDraft. lib/openjd validates and instantiates;
 * each step keeps its compact parameter space (task i = `taskAt(space, i)`), never a row per task.
 * OpenJD says nothing about runtime, so `secondsPerTask` (per step via `stepSettings`) is ours.
 */
import { z } from "zod";
import { instantiateJob, OpenJdError, parseDocumentText } from "../openjd/index.ts";
import type { JobDraft, StepDraft } from "./build-job.ts";
import { ValidationError } from "./errors.ts";
import { jobIdSchema } from "./job-spec.ts";

const stepSettings = z.strictObject({
  kind: z.string().min(1).max(64).optional(),
  role: z.enum(["final", "preview"]).optional(),
  secondsPerTask: z.number().positive().max(7 * 24 * 3600).optional(),
  runtimeSpread: z.number().min(0).max(5).optional(),
  checkpointable: z.boolean().optional(),
});

export const openJdSubmissionSchema = z.strictObject({
  /** The template as YAML/JSON text or as a parsed object. */
  template: z.union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())]),
  parameters: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  client: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(200).optional(),
  priority: z.number().int().min(0).max(100).default(50),
  deadline: z.iso.datetime({ offset: true }).nullable().default(null),
  kind: z.string().min(1).max(64).default("render-cpu"),
  secondsPerTask: z.number().positive().max(7 * 24 * 3600).default(600),
  runtimeSpread: z.number().min(0).max(5).default(0.5),
  energyIntensive: z.boolean().default(false),
  dependsOn: z.array(jobIdSchema).max(100).default([]),
  cloudAllowed: z.boolean().default(true),
  preview: z.strictObject({
    previewFirst: z.boolean().default(true),
    requireApproval: z.boolean().default(false),
  }).default({ previewFirst: true, requireApproval: false }),
  stepSettings: z.record(z.string(), stepSettings).default({}),
});

export type OpenJdSubmission = z.infer<typeof openJdSubmissionSchema>;

export function openJdDraft(sub: OpenJdSubmission): JobDraft {
  let job;
  let document: unknown;
  try {
    document = typeof sub.template === "string" ? parseDocumentText(sub.template) : sub.template;
    job = instantiateJob(document, sub.parameters);
  } catch (err) {
    if (!(err instanceof OpenJdError)) throw err;
    const [first, ...more] = err.issues.map((i) => ({ field: fieldOf(i.path), problem: i.message }));
    throw new ValidationError(first?.field ?? "template", first?.problem ?? "invalid template", { cause: err, more });
  }
  for (const name of Object.keys(sub.stepSettings)) {
    if (!job.steps.some((s) => s.name === name)) throw new ValidationError(`stepSettings.${name}`, "no step with this name in the template");
  }
  const steps: StepDraft[] = job.steps.map((s) => {
    const o = sub.stepSettings[s.name] ?? {};
    const perTask = o.secondsPerTask ?? sub.secondsPerTask;
    return {
      name: s.name, dependsOn: s.dependsOn, kind: o.kind ?? sub.kind, role: o.role ?? "final",
      taskCount: s.taskCount, framesPerTask: s.framesPerTask, frames: null, parameterSpace: s.parameterSpace,
      secondsPerFrame: perTask / Math.max(1, s.framesPerTask), runtimeSpread: o.runtimeSpread ?? sub.runtimeSpread,
      requirements: s.requirements, checkpointable: o.checkpointable ?? false,
    };
  });
  return {
    client: sub.client, name: sub.name ?? job.name, priority: sub.priority, deadline: sub.deadline, steps,
    dependsOn: sub.dependsOn, energyIntensive: sub.energyIntensive,
    preview: { previewFirst: sub.preview.previewFirst, approval: sub.preview.requireApproval ? "pending" : "not-required", lowQualityPass: null },
    cloudAllowed: sub.cloudAllowed, source: "openjd",
    runSpec: {
      steps: steps.map((s) => ({ name: s.name, kind: s.kind, secondsPerFrame: s.secondsPerFrame * Math.max(1, s.framesPerTask), run: { renderer: "openjd" as const } })),
      openjd: { template: document, parameters: job.parameters },
    },
  };
}

/** Template paths are reported under `template.`; job parameter values under `parameters.`. */
function fieldOf(path: string): string {
  if (path.startsWith("parameters.") && !path.startsWith("parameters.[")) return path;
  return path ? `template.${path}` : "template";
}
