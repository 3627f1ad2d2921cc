/**
 * The same invariant as the pure lease-book property, but through the DynamoDB job store with
 * real concurrency: batches of claims, reports and expiries race each other on one item
 * (conditional writes on `version`). No task lost, none completed twice.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoJobStore } from "../../../lib/adapters/aws/dynamo-job-store.ts";
import { DynamoTable } from "../../../lib/adapters/aws/dynamo-table.ts";
import { expireLeases, grantLease, settleLease } from "../../../lib/service/lease-book.ts";
import type { JobRecord } from "../../../lib/service/model.ts";
import { countRanges, rangesContain } from "../../../lib/service/ranges.ts";
import { startLocalAws, type LocalAws } from "../../support/local-aws.ts";

const TASKS = 5;

function job(id: string): JobRecord {
  return {
    id, clientId: "A", name: id, priority: 50, submittedAt: 0, deadlineAt: null, status: "queued",
    steps: [{
      name: "render", dependsOn: [], kind: "render-cpu", role: "final", taskCount: TASKS, framesPerTask: 1,
      frames: null, parameterSpace: null, secondsPerFrame: 60, runtimeSpread: 0.2, requirements: {}, checkpointable: false,
      pending: [{ from: 0, to: TASKS - 1 }], leases: [], done: [], exhausted: [], failedAttempts: {},
    }],
    dependsOn: [], energyIntensive: false, preview: { previewFirst: false, approval: "not-required", lowQualityPass: null },
    errorCount: 0, cloudAllowed: true, suspended: false, source: "native", idempotencyKey: null, requestHash: "",
    finishedAt: null, recentlySettled: [], version: 1,
  };
}

type Op = { kind: "claim"; task: number; node: string } | { kind: "complete"; pick: number } | { kind: "expire" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("claim" as const), task: fc.nat(TASKS - 1), node: fc.constantFrom("a", "b", "c") }),
  fc.record({ kind: fc.constant("complete" as const), pick: fc.nat(30) }),
  fc.record({ kind: fc.constant("expire" as const) }),
);

describe("job store under concurrent claim / complete / expire", () => {
  let aws: LocalAws;
  let store: DynamoJobStore;
  beforeAll(async () => {
    aws = await startLocalAws({ sqs: false });
    store = new DynamoJobStore(new DynamoTable(aws.doc, aws.tableName));
  });
  afterAll(async () => { await aws.stop(); });

  it("never loses or double-completes a task", async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (batches) => {
      const id = `job-${++run}`;
      await store.create(job(id));
      const issued: { task: number; token: string; node: string }[] = [];
      let completions = 0;
      let now = 0;
      let n = 0;
      for (const batch of batches) {
        now += 100_000; // two batches apart, a lease (120 s) has lapsed
        const snapshotIssued = [...issued];
        await Promise.all(batch.map(async (o) => {
          if (o.kind === "claim") {
            const token = `t${run}-${++n}`;
            const { result } = await store.update(id, (j) => {
              const g = grantLease(j, { stepName: "render", taskIndex: o.task, nodeId: o.node, token, now, leaseSec: 120, expectedSec: 60, queued: false });
              return { next: g.next, result: g.granted };
            });
            if (result) issued.push({ task: o.task, token, node: o.node });
          } else if (o.kind === "complete" && snapshotIssued.length > 0) {
            const t = snapshotIssued[o.pick % snapshotIssued.length]!;
            const { result } = await store.update(id, (j) => {
              const r = settleLease(j, { nodeId: t.node, stepName: "render", taskIndex: t.task, token: t.token, outcome: "succeeded", now, retriesPerTask: 3, errorsPerJob: 100 });
              return { next: r.next, result: r.result };
            });
            if (result === "accepted") completions++;
          } else if (o.kind === "expire") {
            await store.update(id, (j) => ({ next: expireLeases(j, now, () => undefined).next, result: null }));
          }
        }));
      }
      const s = (await store.get(id))!.steps[0]!;
      for (let i = 0; i < TASKS; i++) {
        const places = [rangesContain(s.pending, i), s.leases.some((l) => l.taskIndex === i), rangesContain(s.done, i)].filter(Boolean).length;
        expect(places).toBe(1);
      }
      expect(countRanges(s.done)).toBe(completions);
    }), { numRuns: 25 });
  });

  it("keeps a job whose 40,000 tasks finished in scattered order (20,000 done ranges) within one item", async () => {
    const big = job("big");
    big.steps[0]!.taskCount = 40_000;
    big.steps[0]!.pending = [{ from: 0, to: 39_999 }];
    await store.create(big);
    const even = Array.from({ length: 20_000 }, (_, k) => ({ from: 2 * k, to: 2 * k }));
    const odd = Array.from({ length: 20_000 }, (_, k) => ({ from: 2 * k + 1, to: 2 * k + 1 }));
    await store.update("big", (j) => ({ next: { ...j, steps: [{ ...j.steps[0]!, pending: odd, done: even }] }, result: null }));
    const back = (await store.get("big"))!.steps[0]!;
    expect(countRanges(back.done)).toBe(20_000);
    expect(back.pending).toHaveLength(20_000);
  });
});
