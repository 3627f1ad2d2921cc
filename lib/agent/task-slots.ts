/**
 * The node's slots and the tasks in them. A slot runs one task at a time; assignments wait in
 * order (pre-assigned ones behind the current task). Each slot has its own runners so an
 * OpenJD session stays open across tasks of one step on that slot; a slot idle for
 * `sessionIdleMs` closes its session (environments exited).
 */
import { join } from "node:path";
import type { OutputStore } from "../service/ports.ts";
import type { JobRunSpec } from "../service/run-spec.ts";
import { outputPrefix, taskLogKey } from "../service/run-spec-access.ts";
import type { Assignment } from "../service/views.ts";
import { ApiRejected, ApiUnavailable } from "./api-client.ts";
import { Cancellation, type CancelRequest } from "./cancellation.ts";
import type { TerminalReport } from "./journal.ts";
import type { TaskOutcome, TaskRunner } from "./runners/runner.ts";
import { fitReport, OutputRecorder } from "./output-recorder.ts";
import { TaskLog } from "./task-log.ts";

export interface Runners {
  simulated: TaskRunner;
  native: TaskRunner;
  openjd: TaskRunner;
}

export interface RunningTask {
  assignment: Assignment;
  state: "queued" | "running";
  progress: number;
  startedAt?: number;
  cancellation: Cancellation;
  log?: TaskLog;
}

export interface SlotDeps {
  workDir: string;
  outputs: OutputStore;
  runSpec(jobId: string): Promise<JobRunSpec>;
  speed(kind: string): number;
  /** A task reached a terminal state (journal it, then report). */
  finished(report: TerminalReport): void;
  now(): number;
  sessionIdleMs: number;
}

export class TaskSlots {
  readonly tasks = new Map<string, RunningTask>();
  private readonly waiting: string[] = [];
  private readonly slots: { busy?: string; runners: Runners; idle?: NodeJS.Timeout }[];

  constructor(count: number, makeRunners: () => Runners, private readonly d: SlotDeps) {
    this.slots = Array.from({ length: count }, () => ({ runners: makeRunners() }));
  }

  get busy(): boolean {
    return this.tasks.size > 0;
  }

  add(a: Assignment): void {
    if (this.tasks.has(a.token)) return;
    this.tasks.set(a.token, { assignment: a, state: "queued", progress: 0, cancellation: new Cancellation() });
    this.waiting.push(a.token);
    this.fill();
  }

  /** Stops a task (running: by its cancel method; waiting: dropped and reported at once). */
  cancel(token: string, request: CancelRequest): void {
    const t = this.tasks.get(token);
    if (!t) return;
    if (t.state === "queued") {
      this.waiting.splice(this.waiting.indexOf(token), 1);
      this.tasks.delete(token);
      this.d.finished({ taskId: t.assignment.taskId, token, state: "interrupted", endedAt: this.d.now(), message: `not started: ${request.reason}` });
      return;
    }
    t.cancellation.cancel(request);
  }

  /** Returns every task not yet started (reported interrupted at once). */
  dropWaiting(request: CancelRequest): void {
    for (const token of [...this.waiting]) this.cancel(token, request);
  }

  cancelAll(request: CancelRequest): void {
    for (const token of [...this.tasks.keys()]) this.cancel(token, request);
  }

  /** Ends every kept session (drain, stop). */
  async closeSessions(cancellation?: Cancellation): Promise<void> {
    await Promise.all(this.slots.map(async (s) => { clearTimeout(s.idle); await s.runners.openjd.close?.("done", cancellation); }));
  }

  private fill(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.waiting.length === 0) continue;
      const token = this.waiting.shift()!;
      slot.busy = token;
      clearTimeout(slot.idle);
      void this.run(slot, this.tasks.get(token)!).finally(() => {
        slot.busy = undefined;
        slot.idle = setTimeout(() => { void slot.runners.openjd.close?.("done"); }, this.d.sessionIdleMs);
        slot.idle.unref();
        this.fill();
      });
    }
  }

  private async run(slot: { runners: Runners }, t: RunningTask): Promise<void> {
    const a = t.assignment;
    t.state = "running";
    t.startedAt = this.d.now();
    const log = new TaskLog(join(this.d.workDir, "logs", a.jobId, `${a.stepName}.${a.taskIndex}.log`), 20, this.d.now);
    t.log = log;
    log.line(`task ${a.taskId} (attempt token ${a.token.slice(0, 6)}…) starting`);
    let outcome: TaskOutcome;
    const recorder = new OutputRecorder(this.d.outputs, outputPrefix(a.jobId, a.stepName), (l) => log.line(l));
    try {
      const job = await this.d.runSpec(a.jobId);
      const step = job.steps.find((s) => s.name === a.stepName);
      if (!step) throw new Error(`the run spec of job ${a.jobId} has no step "${a.stepName}"`);
      const runner = step.run.renderer === "openjd" ? slot.runners.openjd : step.run.renderer === "simulated" ? slot.runners.simulated : slot.runners.native;
      outcome = await runner.run({
        assignment: a, job, step, jobDir: join(this.d.workDir, "jobs", a.jobId), log,
        progress: (p) => { t.progress = Math.min(1, Math.max(t.progress, p)); },
        cancellation: t.cancellation, outputs: recorder, outputPrefix: recorder.prefix, speed: this.d.speed(a.kind),
      });
    } catch (err) {
      // An unreachable API, or one refusing the run spec (the lease moved on while the grant was in
      // flight: "holds no task of job"), is not the node's failure to render the job: the task goes
      // back to the farm without counting against the node or the task's attempts.
      outcome = err instanceof ApiUnavailable || err instanceof ApiRejected
        ? { state: "interrupted", message: `could not fetch the run spec: ${err.message}` }
        : { state: "failed", message: `agent error: ${(err as Error).message}` };
    }
    // Thumbnails are a courtesy to whoever watches: a failure there never fails the task.
    const outputs = outcome.state === "succeeded"
      ? await recorder.manifest({ frames: a.frames ?? [a.taskIndex], quality: a.quality }).catch((err: Error) => { log.line(`output manifest failed: ${err.message}`); return []; })
      : [];
    log.line(`task ${outcome.state}${outcome.message ? `: ${outcome.message}` : ""}`);
    // A full log in the store helps whoever reads it; failing to upload it must not lose the result.
    await this.d.outputs.put(taskLogKey(a.jobId, a.stepName, a.taskIndex), log.contents()).catch((err: Error) => { log.line(`log upload failed: ${err.message}`); });
    this.tasks.delete(a.token);
    this.d.finished(fitReport({
      taskId: a.taskId, token: a.token, state: outcome.state, startedAt: t.startedAt, endedAt: this.d.now(),
      ...(outcome.message ? { message: outcome.message.slice(0, 2000) } : {}),
      ...(outputs.length > 0 ? { outputs } : {}),
    }));
  }
}
