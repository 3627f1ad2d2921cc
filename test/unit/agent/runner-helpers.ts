/** A TaskContext for one assignment, with a folder output store in a temp dir. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderOutputStore } from "../../../lib/adapters/folder-output-store.ts";
import { Cancellation } from "../../../lib/agent/cancellation.ts";
import type { TaskContext } from "../../../lib/agent/runners/runner.ts";
import { TaskLog } from "../../../lib/agent/task-log.ts";
import { nativeRunSchema, type JobRunSpec, type NativeRunInput } from "../../../lib/service/run-spec.ts";
import type { Assignment } from "../../../lib/service/views.ts";

export interface Bench {
  dir: string;
  store: FolderOutputStore;
  context(over: { frames?: number[]; run?: NativeRunInput | { renderer: "openjd" }; secondsPerFrame?: number; quality?: number; job?: Partial<JobRunSpec>; params?: Record<string, string | number>; stepName?: string; taskIndex?: number }): TaskContext & { progressSeen: number[] };
  cleanup(): void;
}

export function bench(): Bench {
  const dir = mkdtempSync(join(tmpdir(), "bf-runner-"));
  const store = new FolderOutputStore(join(dir, "store"));
  return {
    dir, store,
    context(o) {
      const stepName = o.stepName ?? "render";
      const run = o.run && "renderer" in o.run && o.run.renderer === "openjd" ? { renderer: "openjd" as const } : nativeRunSchema.parse(o.run ?? { renderer: "simulated" });
      const step = { name: stepName, kind: "render-cpu", secondsPerFrame: o.secondsPerFrame ?? 1, run };
      const taskIndex = o.taskIndex ?? 0;
      const assignment: Assignment = {
        taskId: `job-1:${stepName}:${taskIndex}`, jobId: "job-1", stepName, taskIndex, token: `tok-${taskIndex}`, kind: "render-cpu",
        frames: o.frames ?? null, params: o.params ?? null, quality: o.quality ?? null, queued: false, leaseExpiresAt: new Date().toISOString(), estimatedSec: 1,
      };
      const progressSeen: number[] = [];
      return {
        assignment, job: { jobId: "job-1", steps: [step], ...o.job }, step, jobDir: join(dir, "jobs", "job-1"),
        log: new TaskLog(join(dir, "logs", `${stepName}.${taskIndex}.log`)), progress: (p) => progressSeen.push(p), progressSeen,
        cancellation: new Cancellation(), outputs: store, outputPrefix: `jobs/job-1/${stepName}/`, speed: 1,
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
