/**
 * What an agent needs to run a job's tasks, stored once per job beside the job record (the
 * job record carries only what scheduling needs). Native steps say which renderer runs them;
 * OpenJD jobs carry their template and resolved job parameters, and the agent runs sessions.
 *
 * The native `run` field of a submission (job-spec.ts) is `nativeRunSchema`; absent, a native
 * step runs the built-in simulated renderer (demos, tests, the local farm).
 */
import { z } from "zod";
import type { ParamValues } from "../openjd/index.ts";

const frameList = z.array(z.number().int()).max(10_000).default([]);
/** A path or argument; `{frame}`, `{start}`, `{end}` and `####` (padded frame) are substituted. */
const arg = z.string().min(1).max(4096);
/** Seconds one invocation may run before it is killed and the task fails. */
const timeoutSec = z.number().int().positive().max(7 * 24 * 3600).optional();

export const nativeRunSchema = z.discriminatedUnion("renderer", [
  z.strictObject({
    renderer: z.literal("simulated"),
    /** Scales run time and image detail (1 = the step's secondsPerFrame on a reference node). */
    complexity: z.number().positive().max(100).default(1),
    passes: z.number().int().min(1).max(12).default(4),
    width: z.number().int().min(8).max(4096).default(160),
    height: z.number().int().min(8).max(4096).default(90),
    /** For tests and demos: these frames fail, hang until canceled, or come out corrupt. */
    failFrames: frameList,
    hangFrames: frameList,
    corruptFrames: frameList,
  }),
  z.strictObject({ renderer: z.literal("blender"), scene: arg, output: arg, engine: z.string().max(64).optional(), args: z.array(arg).max(100).default([]), timeoutSec }),
  z.strictObject({ renderer: z.literal("kick"), scene: arg, output: arg, args: z.array(arg).max(100).default([]), timeoutSec }),
  z.strictObject({ renderer: z.literal("vray"), scene: arg, output: arg, args: z.array(arg).max(100).default([]), timeoutSec }),
  z.strictObject({
    renderer: z.literal("command"),
    /** argv: the first element is the executable (no shell). */
    command: z.array(arg).min(1).max(200),
    /** Files each frame must produce (checked non-empty, then uploaded). */
    outputs: z.array(arg).max(20).default([]),
    cwd: arg.optional(),
    timeoutSec,
  }),
]);

export type NativeRun = z.infer<typeof nativeRunSchema>;
export type NativeRunInput = z.input<typeof nativeRunSchema>;

export const simulatedRun = (): NativeRun => nativeRunSchema.parse({ renderer: "simulated" });

export interface StepRunSpec {
  name: string;
  kind: string;
  /** Reference seconds per frame (per task for OpenJD steps), for the simulated renderer. */
  secondsPerFrame: number;
  run: NativeRun | { renderer: "openjd" };
}

export interface JobRunSpec {
  jobId: string;
  steps: StepRunSpec[];
  /** OpenJD jobs: the template as submitted (parsed) and the resolved job parameter values. */
  openjd?: { template: unknown; parameters: ParamValues };
}
