/**
 * The one interface every way of running a task implements (OpenJD session, native command,
 * simulated renderer), and what a runner gets to work with.
 */
import type { Assignment } from "../../service/views.ts";
import type { JobRunSpec, StepRunSpec } from "../../service/run-spec.ts";
import type { OutputStore } from "../../service/ports.ts";
import type { Cancellation } from "../cancellation.ts";
import type { TaskLog } from "../task-log.ts";

export interface TaskContext {
  assignment: Assignment;
  /** What the server says this job runs (POST /agents/{node}/jobs/{job}/run-spec), and this task's step of it. */
  job: JobRunSpec;
  step: StepRunSpec;
  /** A directory of the agent's work dir for this job (kept across the job's tasks on this node). */
  jobDir: string;
  log: TaskLog;
  /** 0..1 */
  progress(fraction: number): void;
  cancellation: Cancellation;
  outputs: OutputStore;
  /** Where this task's outputs go in the output store: `jobs/<job>/<step>/`. */
  outputPrefix: string;
  /** The node's speed for this kind of work relative to the reference node (simulated renderer). */
  speed: number;
}

export type TaskOutcome =
  | { state: "succeeded"; message?: string }
  | { state: "failed"; message: string }
  /** Stopped by the agent (cancel from the server, drain, spot notice): not the task's fault. */
  | { state: "interrupted"; message: string };

export interface TaskRunner {
  run(ctx: TaskContext): Promise<TaskOutcome>;
  /** Ends anything kept between tasks (an OpenJD session's environments). */
  close?(reason: "done" | "canceled", cancellation?: Cancellation): Promise<void>;
}
