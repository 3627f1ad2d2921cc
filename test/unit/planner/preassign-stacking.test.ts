/**
 * Pre-assignment queues at most one task per slot: a queued lease whose own (naive) expected
 * end falls inside the window must not open another place behind it, cycle after cycle.
 */
import { describe, expect, it } from "vitest";
import { defaultPolicy, plan, taskId, type Lease, type Snapshot } from "../../../lib/planner/index.ts";
import { MIN, T0, aJob, aNode, aSnapshot } from "../../builders/planner.ts";

describe("pre-assignment", () => {
  it("never stacks more than one queued task per slot over repeated cycles", () => {
    for (const slots of [1, 2, 4]) {
      const job = aJob("j").tasks(500, 30).build();
      let snapshot: Snapshot = aSnapshot({ jobs: [job], nodes: [aNode("n").slots(slots).build()] });
      let now = T0;
      for (let cycle = 0; cycle < 10; cycle++) {
        const p = plan(snapshot, defaultPolicy, now);
        const node = snapshot.nodes[0]!;
        // Every assignment becomes a lease the way the service records it (expected end = grant + estimate).
        const leases: Lease[] = [...node.leases, ...p.assignments.map((a) => ({
          taskId: taskId(a.jobId, a.stepName, a.taskIndex), jobId: a.jobId, stepName: a.stepName, taskIndex: a.taskIndex,
          startedAt: now, expiresAt: now + 2 * MIN, expectedEndAt: now + a.estimatedSec * 1000,
        }))];
        expect(leases.length).toBeLessThanOrEqual(2 * slots);
        const taken = new Set(leases.map((l) => l.taskIndex));
        const pending = Array.from({ length: 500 }, (_, i) => i).filter((i) => !taken.has(i)).map((i) => ({ from: i, to: i }));
        snapshot = { ...snapshot, jobs: [{ ...job, steps: [{ ...job.steps[0]!, pending, runningTasks: leases.length }] }], nodes: [{ ...node, leases, idleSince: undefined } as never] };
        now += 15_000; // nothing finishes: the next cycle must not add more
      }
      expect(snapshot.nodes[0]!.leases.length).toBe(2 * slots);
    }
  });
});
