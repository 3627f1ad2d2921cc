/** A one-step native job record (header only: its task state lives in shards). */
import type { JobRecord } from "../../lib/service/model.ts";

export function aStepJob(taskCount: number): JobRecord {
  return {
    id: "j", clientId: "A", name: "j", priority: 50, submittedAt: 0, deadlineAt: null, status: "queued",
    steps: [{
      name: "render", dependsOn: [], kind: "render-cpu", role: "final", taskCount, framesPerTask: 1,
      frames: [{ start: 1, end: taskCount, step: 1 }], parameterSpace: null, secondsPerFrame: 60, runtimeSpread: 0.2,
      requirements: {}, checkpointable: false, pending: [], leases: [], done: [], exhausted: [], failedAttempts: {},
    }],
    dependsOn: [], energyIntensive: false, preview: { previewFirst: false, approval: "not-required", lowQualityPass: null },
    errorCount: 0, cloudAllowed: true, suspended: false, source: "native", idempotencyKey: null, requestHash: "",
    finishedAt: null, version: 1,
  };
}

