/**
 * Random interleavings of grant / settle (incl. re-sent and late reports) / fold-and-expire on
 * a step whose tasks straddle a shard boundary never lose a task or complete one twice. A model
 * counts accepted successes; the assembled view (tasks/assemble.ts) must agree after every step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assembleJob } from "../../../lib/service/tasks/assemble.ts";
import { emptyShard, foldShard, grantInShard, settleInShard, shardNoOf, shardSize } from "../../../lib/service/tasks/shard-book.ts";
import type { ShardRecord } from "../../../lib/service/model.ts";
import { aStepJob } from "../../builders/task-shards.ts";
import { countRanges, rangesContain } from "../../../lib/service/ranges.ts";

const FIRST = shardSize - 3;
const TASKS = shardSize + 3; // tasks FIRST.. cross from shard 0 into shard 1
const NODES = ["a", "b", "c"];

type Op =
  | { op: "grant"; node: number; task: number }
  | { op: "settle"; pick: number; outcome: "succeeded" | "failed" | "interrupted"; replay: boolean }
  | { op: "tick"; ms: number }
  | { op: "fold" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("grant" as const), node: fc.nat(NODES.length - 1), task: fc.integer({ min: FIRST, max: TASKS - 1 }) }),
  fc.record({ op: fc.constant("settle" as const), pick: fc.nat(20), outcome: fc.constantFrom("succeeded" as const, "failed" as const, "interrupted" as const), replay: fc.boolean() }),
  fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ op: fc.constant("fold" as const) }),
);

describe("task shards", () => {
  it("never lose a task nor complete one twice, whatever the interleaving", () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 80 }), (ops) => {
      const job = aStepJob(TASKS);
      const shards = new Map<number, ShardRecord>([0, 1].map((no) => [no, emptyShard(job, 0, job.steps[0]!, no)]));
      let now = 0;
      let tokenN = 0;
      const acceptedSuccess = new Set<string>();
      const foldedDone = new Map<number, number>();
      const issued: { task: number; token: string; node: string }[] = [];
      for (const o of ops) {
        if (o.op === "grant") {
          const no = shardNoOf(o.task);
          const token = `t${++tokenN}`;
          const g = grantInShard(shards.get(no)!, [{ taskIndex: o.task, nodeId: NODES[o.node]!, token, now, leaseSec: 120, expectedSec: 60, queued: false }]);
          if (g.next) { shards.set(no, g.next); issued.push({ task: o.task, token, node: NODES[o.node]! }); }
        } else if (o.op === "settle" && issued.length > 0) {
          const t = issued[o.pick % issued.length]!;
          const no = shardNoOf(t.task);
          let first = "";
          for (let k = 0; k < (o.replay ? 2 : 1); k++) {
            const r = settleInShard(shards.get(no)!, { token: t.token, nodeId: t.node, taskIndex: t.task }, { outcome: o.outcome, at: now });
            if (r.next) shards.set(no, r.next);
            if (r.result === "accepted" && o.outcome === "succeeded") acceptedSuccess.add(t.token);
            if (k === 1) expect(r.result).toBe(first === "accepted" ? "duplicate" : first); // a re-sent report is never accepted twice
            first = r.result;
          }
        } else if (o.op === "tick") {
          now += o.ms;
        } else {
          for (const [no, s] of shards) {
            const r = foldShard(s, { now, retriesPerTask: 3, expiry: (l) => l.expiresAt });
            if (r.next) shards.set(no, r.next);
            for (const f of r.folded) if (f.becomes === "done") foldedDone.set(f.lease.i, (foldedDone.get(f.lease.i) ?? 0) + 1);
          }
        }
        const s = assembleJob(job, [...shards.values()]).steps[0]!;
        for (let i = FIRST - 2; i < TASKS; i++) { // (the tasks before are never touched: counted below)
          const places = [rangesContain(s.pending, i), s.leases.some((l) => l.taskIndex === i), rangesContain(s.done, i), rangesContain(s.exhausted, i)].filter(Boolean).length;
          expect(places).toBe(1);
          expect(s.leases.filter((l) => l.taskIndex === i).length).toBeLessThanOrEqual(1);
        }
        expect(countRanges(s.pending) + s.leases.length + countRanges(s.done) + countRanges(s.exhausted)).toBe(TASKS);
      }
      // Fold whatever is left: every accepted success is done exactly once, nothing else is.
      for (const [no, s] of shards) {
        const r = foldShard(s, { now, retriesPerTask: 3, expiry: () => Infinity });
        if (r.next) shards.set(no, r.next);
        for (const f of r.folded) if (f.becomes === "done") foldedDone.set(f.lease.i, (foldedDone.get(f.lease.i) ?? 0) + 1);
      }
      const done = assembleJob(job, [...shards.values()]).steps[0]!.done;
      for (const [task, n] of foldedDone) { expect(n).toBe(1); expect(rangesContain(done, task)).toBe(true); }
      expect(countRanges(done)).toBe(acceptedSuccess.size);
    }), { numRuns: 200 });
  });
});
