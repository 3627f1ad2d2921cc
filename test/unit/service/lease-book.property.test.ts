/**
 * Random interleavings of claim / complete / fail / interrupt / expire / duplicate reports on
 * one job never lose a task or complete one twice. A model counts completions per task; the
 * record's ranges must agree with it after every step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expireLeases, grantLease, settleLease } from "../../../lib/service/lease-book.ts";
import type { JobRecord } from "../../../lib/service/model.ts";
import { countRanges, rangesContain } from "../../../lib/service/ranges.ts";

const TASKS = 6;
const NODES = ["a", "b", "c"];

function freshJob(): JobRecord {
  return {
    id: "j", clientId: "A", name: "j", priority: 50, submittedAt: 0, deadlineAt: null, status: "queued",
    steps: [{
      name: "render", dependsOn: [], kind: "render-cpu", role: "final", taskCount: TASKS, framesPerTask: 1,
      frames: [{ start: 1, end: TASKS, step: 1 }], parameterSpace: null, secondsPerFrame: 60, runtimeSpread: 0.2,
      requirements: {}, checkpointable: false, pending: [{ from: 0, to: TASKS - 1 }], leases: [], done: [], exhausted: [], failedAttempts: {},
    }],
    dependsOn: [], energyIntensive: false, preview: { previewFirst: false, approval: "not-required", lowQualityPass: null },
    errorCount: 0, cloudAllowed: true, suspended: false, source: "native", idempotencyKey: null, requestHash: "",
    finishedAt: null, recentlySettled: [], version: 1,
  };
}

type Op =
  | { op: "claim"; node: number; task: number }
  | { op: "settle"; pick: number; outcome: "succeeded" | "failed" | "interrupted"; replay: boolean }
  | { op: "tick"; ms: number }
  | { op: "expire" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("claim" as const), node: fc.nat(NODES.length - 1), task: fc.nat(TASKS - 1) }),
  fc.record({ op: fc.constant("settle" as const), pick: fc.nat(20), outcome: fc.constantFrom("succeeded" as const, "failed" as const, "interrupted" as const), replay: fc.boolean() }),
  fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ op: fc.constant("expire" as const) }),
);

describe("lease book invariants", () => {
  it("never loses a task nor completes one twice, whatever the interleaving", () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
      let job = freshJob();
      let now = 0;
      let tokenN = 0;
      const completions = new Map<number, number>();
      // Every token ever handed out (stale ones too), so reports can come late or twice.
      const issued: { task: number; token: string; node: string }[] = [];
      for (const o of ops) {
        if (o.op === "claim") {
          const g = grantLease(job, { stepName: "render", taskIndex: o.task, nodeId: NODES[o.node]!, token: `t${++tokenN}`, now, leaseSec: 120, expectedSec: 60, queued: false });
          if (g.next) { job = g.next; issued.push({ task: o.task, token: g.granted!.token, node: g.granted!.nodeId }); }
        } else if (o.op === "settle" && issued.length > 0) {
          const t = issued[o.pick % issued.length]!;
          const times = o.replay ? 2 : 1;
          for (let k = 0; k < times; k++) {
            const r = settleLease(job, { nodeId: t.node, stepName: "render", taskIndex: t.task, token: t.token, outcome: o.outcome, now, retriesPerTask: 3, errorsPerJob: 1000 });
            if (r.next) job = r.next;
            if (r.result === "accepted" && o.outcome === "succeeded") completions.set(t.task, (completions.get(t.task) ?? 0) + 1);
            if (k === 1) expect(r.result).not.toBe("accepted");
          }
        } else if (o.op === "tick") {
          now += o.ms;
        } else if (o.op === "expire") {
          const r = expireLeases(job, now, () => undefined);
          if (r.next) job = r.next;
        }
        // Invariant: every task in exactly one place.
        const s = job.steps[0]!;
        for (let i = 0; i < TASKS; i++) {
          const places = [rangesContain(s.pending, i), s.leases.some((l) => l.taskIndex === i), rangesContain(s.done, i), rangesContain(s.exhausted, i)].filter(Boolean).length;
          expect(places).toBe(1);
          expect(s.leases.filter((l) => l.taskIndex === i).length).toBeLessThanOrEqual(1);
        }
        expect(countRanges(s.pending) + s.leases.length + countRanges(s.done) + countRanges(s.exhausted)).toBe(TASKS);
      }
      for (const [task, n] of completions) {
        expect(n).toBe(1);
        expect(rangesContain(job.steps[0]!.done, task)).toBe(true);
      }
      expect(countRanges(job.steps[0]!.done)).toBe(completions.size);
    }), { numRuns: 300 });
  });
});
