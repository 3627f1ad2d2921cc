/**
 * The native JSON job form (what `POST /jobs` accepts besides an OpenJD template), as a zod
 * schema. The HTTP layer may reuse `jobSpecSchema` for OpenAPI; `parseJobSpec` turns zod's
 * issues into a ValidationError naming the first failing field.
 */
import { z } from "zod";
import { ValidationError } from "./errors.ts";
import { nativeRunSchema } from "./run-spec.ts";

const requirementsSchema = z.strictObject({
  os: z.array(z.enum(["linux", "windows", "macos"])).min(1).optional(),
  minVcpu: z.number().positive().optional(),
  minMemoryGiB: z.number().positive().optional(),
  minGpuCount: z.number().int().min(0).optional(),
  minGpuMemoryGiB: z.number().positive().optional(),
  gpuModels: z.array(z.string().min(1)).min(1).optional(),
  cpuArch: z.array(z.string().min(1)).min(1).optional(),
  amounts: z.record(z.string(), z.strictObject({ min: z.number().optional(), max: z.number().optional() })).optional(),
  attributes: z.record(z.string(), z.strictObject({ anyOf: z.array(z.string()).optional(), allOf: z.array(z.string()).optional() })).optional(),
});

/** A job id as the API hands them out (and a DynamoDB key part can hold). */
export const jobIdSchema = z.string().min(1, "must not be empty").max(128, "at most 128 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "only letters, digits and . _ : -");

/** Frames as `"1-100"`, `"1-100:5"`, `"1,3,10-20"` or `{start, end, step}`. */
const framesSchema = z.union([
  z.string().regex(/^\s*-?\d+(\s*-\s*-?\d+(\s*:\s*\d+)?)?(\s*,\s*-?\d+(\s*-\s*-?\d+(\s*:\s*\d+)?)?)*\s*$/, "expected frames like 1-100, 1-100:5 or 1,3,10-20"),
  z.strictObject({ start: z.number().int(), end: z.number().int(), step: z.number().int().positive().default(1) }),
]);

const stepSchema = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
  dependsOn: z.array(z.string().min(1)).default([]),
  kind: z.string().min(1).max(64).optional(),
  role: z.enum(["final", "preview"]).default("final"),
  frames: framesSchema,
  chunkSize: z.number().int().min(1).max(10_000).default(1),
  secondsPerFrame: z.number().positive().max(7 * 24 * 3600),
  runtimeSpread: z.number().min(0).max(5).optional(),
  requirements: requirementsSchema.optional(),
  checkpointable: z.boolean().default(false),
  /** What renders this step (run-spec.ts); defaults to the job's `run`. */
  run: nativeRunSchema.optional(),
});

const previewSchema = z.strictObject({
  /** Order frames first, last, middle, then by bisection. */
  previewFirst: z.boolean().default(true),
  /** An extra low-quality pass over every Nth frame, run before the finals. */
  lowQualityPass: z.strictObject({
    everyNth: z.number().int().min(1).max(1000).default(10),
    quality: z.number().gt(0).max(1).default(0.25),
  }).nullable().default(null),
  /** Finals wait until someone approves the preview. */
  requireApproval: z.boolean().default(false),
});

export const jobSpecSchema = z.strictObject({
  /** Client (studio/show) the job bills to. Clients may omit it: their own id is used. */
  client: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(200),
  priority: z.number().int().min(0).max(100).default(50),
  /** ISO 8601 with offset; must be in the future. Absent or null: best effort. */
  deadline: z.iso.datetime({ offset: true }).nullable().default(null),
  kind: z.string().min(1).max(64).default("render-cpu"),
  frames: framesSchema.optional(),
  chunkSize: z.number().int().min(1).max(10_000).default(1),
  secondsPerFrame: z.number().positive().max(7 * 24 * 3600).optional(),
  runtimeSpread: z.number().min(0).max(5).default(0.3),
  requirements: requirementsSchema.default({}),
  energyIntensive: z.boolean().default(false),
  /** Job ids (the same shape every id has), at most 100. */
  dependsOn: z.array(jobIdSchema).max(100).default([]),
  preview: previewSchema.default({ previewFirst: true, lowQualityPass: null, requireApproval: false }),
  cloudAllowed: z.boolean().default(true),
  checkpointable: z.boolean().default(false),
  /** What renders the frames: Blender, kick, V-Ray, a command line, or (default) the simulated renderer. */
  run: nativeRunSchema.optional(),
  /** Several steps (a DAG); instead of top-level frames/secondsPerFrame. */
  steps: z.array(stepSchema).min(1).max(50).optional(),
}).superRefine((spec, ctx) => {
  if (spec.steps) {
    if (spec.frames !== undefined) ctx.addIssue({ code: "custom", path: ["frames"], message: "give frames per step when steps are given" });
    return;
  }
  if (spec.frames === undefined) ctx.addIssue({ code: "custom", path: ["frames"], message: "required (or give steps)" });
  if (spec.secondsPerFrame === undefined) ctx.addIssue({ code: "custom", path: ["secondsPerFrame"], message: "required (or give steps)" });
}).meta({
  // The rule the refinement enforces, in JSON Schema so clients and fuzzers can know it.
  description: "A native job gives either `frames` and `secondsPerFrame` (one step), or `steps` (and then no top-level `frames`).",
  oneOf: [{ required: ["frames", "secondsPerFrame"], not: { required: ["steps"] } }, { required: ["steps"], not: { required: ["frames"] } }],
});

export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type StepSpec = z.infer<typeof stepSchema>;
export type FramesSpec = z.infer<typeof framesSchema>;
export type RequirementsSpec = z.infer<typeof requirementsSchema>;

/** Dotted path as the API reports it: `steps[1].frames`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

/** Parse with zod; the error names every failing field (the first one in `field`). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => i.code === "unrecognized_keys"
    ? { field: fieldPath([...i.path, i.keys[0] ?? ""]), problem: `unknown field (${i.keys.join(", ")})` }
    : { field: fieldPath(i.path), problem: i.message });
  const [first, ...more] = issues;
  throw new ValidationError(first?.field ?? "", first?.problem ?? "invalid", { cause: r.error, more });
}

export function parseJobSpec(input: unknown): JobSpec {
  return parseWith(jobSpecSchema, input);
}
