/**
 * A succeeded attempt's reference seconds (tasks/attempt-runtime.ts referenceSeconds): elapsed — from
 * the grant or the agent's later start to the report or the agent's earlier end — × the speed
 * the lease was granted at; folded into the shard's sums with its task, and summed per step.
 */
import { describe, expect, it } from "vitest";
import { assembleJob } from "../../../lib/service/tasks/assemble.ts";
import { emptyShard, foldShard, grantInShard, settleInShard } from "../../../lib/service/tasks/shard-book.ts";
import { referenceSeconds } from "../../../lib/service/tasks/attempt-runtime.ts";
import type { SettleReport, ShardRecord } from "../../../lib/service/model.ts";
import { aStepJob } from "../../builders/task-shards.ts";

const job = aStepJob(3);
const fold = (s: ShardRecord) => foldShard(s, { now: 1e6, retriesPerTask: 3, expiry: () => Infinity }).next!;

function settledShard(reports: [token: string, speed: number | undefined, SettleReport][]): ShardRecord {
  let s = emptyShard(job, 0, job.steps[0]!, 0);
  reports.forEach(([token, speed], i) => {
    s = grantInShard(s, [{ taskIndex: i, nodeId: "n", token, now: 0, leaseSec: 120, expectedSec: 60, queued: false, ...(speed !== undefined ? { speed } : {}) }]).next!;
  });
  reports.forEach(([token, , report], i) => { s = settleInShard(s, { token, nodeId: "n", taskIndex: i }, report).next!; });
  return s;
}

describe("measured runtimes of a step", () => {
  it("measures the span the agent reports, within the lease, at the speed the lease was granted at", () => {
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: false }, { at: 100_000 })).toBe(200);
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: false }, { at: 100_000, startedAt: 10_000, endedAt: 70_000 })).toBe(120);
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: false }, { at: 100_000, startedAt: -50_000, endedAt: 500_000 })).toBe(200); // clamped to the lease
    expect(referenceSeconds({ grantedAt: 0, queued: false }, { at: 100_000 })).toBeNull(); // granted before speeds were recorded
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: false }, { at: 0 })).toBeNull(); // no time at all: nothing learned
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: true }, { at: 100_000 })).toBeNull(); // the wait behind the node's task is no runtime
    expect(referenceSeconds({ grantedAt: 0, speed: 2, queued: true }, { at: 100_000, startedAt: 40_000 })).toBe(120);
  });

  it("adds succeeded attempts only, in the fold that makes them done, and sums the step's shards", () => {
    const s = fold(settledShard([
      ["a", 2, { outcome: "succeeded", at: 90_000 }],
      ["b", 1, { outcome: "failed", at: 90_000 }],
      ["c", 1.5, { outcome: "succeeded", at: 40_000 }],
    ]));
    expect(s.measured).toEqual({ tasks: 2, refSec: 240, refSecSq: 180 * 180 + 60 * 60 });
    expect(foldShard(s, { now: 1e6, retriesPerTask: 3, expiry: () => Infinity }).next).toBeNull(); // folding again adds nothing
    const other = { ...s, no: 1, from: 64, measured: { tasks: 1, refSec: 100, refSecSq: 10_000 } };
    expect(assembleJob(job, [s, other]).steps[0]!.measured).toEqual({ tasks: 3, refSec: 340, refSecSq: 180 * 180 + 60 * 60 + 10_000 });
    expect(assembleJob(job, [fold(settledShard([["d", undefined, { outcome: "succeeded", at: 90_000 }]]))]).steps[0]!.measured).toBeUndefined();
  });

  it("leaves out a runtime whose square would take the sums past what DynamoDB can store, rather than block the shard", () => {
    const weeks = 3 * 7 * 86_400_000; // three weeks at speed 10: x ≈ 1.8e7, x² ≈ 3.3e14
    const big = { tasks: 30, refSec: 30 * 1.8e7, refSecSq: 30 * 3.3e14 };
    expect(fold({ ...settledShard([["a", 10, { outcome: "succeeded", at: weeks }]]), measured: big }).measured).toEqual(big);
    expect(fold({ ...settledShard([["a", 10, { outcome: "succeeded", at: weeks }]]), measured: { tasks: 1, refSec: 1.8e7, refSecSq: 3.3e14 } }).measured!.tasks).toBe(2);
  });
});
