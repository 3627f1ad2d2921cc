/**
 * The shard invariant through the DynamoDB adapters with real concurrency (dynalite): batches of
 * grants (planner writes), agents' settle reports (their own conditional updates) and folds
 * with expiry race each other on the shards of one step. No task lost, none completed twice,
 * every accepted report folded (and its runtime measured) exactly once. And no accepted job can outgrow an item.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoJobStore } from "../../../lib/adapters/aws/dynamo-job-store.ts";
import { itemBytes } from "../../../lib/adapters/aws/dynamo-item-size.ts";
import { DynamoTable } from "../../../lib/adapters/aws/dynamo-table.ts";
import { DynamoTaskStore, shardItem } from "../../../lib/adapters/aws/dynamo-task-store.ts";
import { ValidationError } from "../../../lib/service/errors.ts";
import type { ShardRecord } from "../../../lib/service/model.ts";
import { countRanges, rangesContain } from "../../../lib/service/ranges.ts";
import { emptyShard, foldShard, grantInShard, settleMessageChars, shardNoOf, shardSize } from "../../../lib/service/tasks/shard-book.ts";
import { aStepJob } from "../../builders/task-shards.ts";
import { startLocalAws, type LocalAws } from "../../support/local-aws.ts";

const FIRST = shardSize - 3;
const TASKS = shardSize + 3;

type Op = { kind: "claim"; task: number; node: string } | { kind: "complete"; pick: number } | { kind: "fold" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("claim" as const), task: fc.integer({ min: FIRST, max: TASKS - 1 }), node: fc.constantFrom("a", "b", "c") }),
  fc.record({ kind: fc.constant("complete" as const), pick: fc.nat(30) }),
  fc.record({ kind: fc.constant("fold" as const) }),
);

describe("task shards in DynamoDB under concurrent grant / settle / fold", () => {
  let aws: LocalAws;
  let jobs: DynamoJobStore;
  let tasks: DynamoTaskStore;
  beforeAll(async () => {
    aws = await startLocalAws({ sqs: false });
    const table = new DynamoTable(aws.doc, aws.tableName);
    jobs = new DynamoJobStore(table);
    tasks = new DynamoTaskStore(table);
  });
  afterAll(async () => { await aws.stop(); });

  /** The planner's write: from what it read, re-read and re-apply on a lost race. */
  async function plannerWrite(job: ReturnType<typeof aStepJob>, no: number, apply: (s: ShardRecord) => ShardRecord | null): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const cur = (await tasks.shard(job.id, "render", no)) ?? emptyShard(job, 0, job.steps[0]!, no);
      const next = apply(cur);
      if (!next) return;
      if (await tasks.write(next, { version: cur.version, settled: Object.keys(cur.settled).length })) return;
    }
    throw new Error("planner write kept losing");
  }

  it("never loses or double-completes a task", async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), async (batches) => {
      const job = { ...aStepJob(TASKS), id: `job-${++run}` };
      await jobs.create(job);
      const issued: { task: number; token: string; node: string }[] = [];
      const accepted = new Set<string>();
      const foldedDone = new Map<number, number>();
      let now = 0;
      let n = 0;
      for (const batch of batches) {
        now += 100_000; // two batches apart, a lease (120 s) has lapsed
        const known = [...issued];
        await Promise.all(batch.map(async (o) => {
          if (o.kind === "claim") {
            const token = `t${run}-${++n}`;
            let granted = false;
            await plannerWrite(job, shardNoOf(o.task), (s) => {
              const g = grantInShard(s, [{ taskIndex: o.task, nodeId: o.node, token, now, leaseSec: 120, expectedSec: 60, queued: false, speed: 1.5 }]);
              granted = g.next !== null;
              return g.next;
            });
            if (granted) issued.push({ task: o.task, token, node: o.node });
          } else if (o.kind === "complete" && known.length > 0) {
            const t = known[o.pick % known.length]!;
            const r = await tasks.settle({ jobId: job.id, stepName: "render", shardNo: shardNoOf(t.task), taskIndex: t.task, token: t.token, nodeId: t.node }, { outcome: "succeeded", at: now });
            if (r.accepted) { expect(accepted.has(t.token)).toBe(false); accepted.add(t.token); }
          } else if (o.kind === "fold") {
            for (const no of [0, 1]) {
              await plannerWrite(job, no, (s) => {
                const r = foldShard(s, { now, retriesPerTask: 3, expiry: (l) => l.expiresAt });
                // Counted only once the write lands (a lost race re-folds from the fresh read).
                pendingDone = r.folded.filter((f) => f.becomes === "done").map((f) => f.lease.i);
                return r.next;
              });
              for (const i of pendingDone) foldedDone.set(i, (foldedDone.get(i) ?? 0) + 1);
              pendingDone = [];
            }
          }
        }));
      }
      for (const no of [0, 1]) await plannerWrite(job, no, (s) => {
        const r = foldShard(s, { now, retriesPerTask: 3, expiry: () => Infinity });
        for (const f of r.folded) if (f.becomes === "done") foldedDone.set(f.lease.i, (foldedDone.get(f.lease.i) ?? 0) + 1);
        return r.next;
      });
      const s = (await jobs.get(job.id))!.steps[0]!;
      for (let i = 0; i < TASKS; i++) {
        const places = [rangesContain(s.pending, i), s.leases.some((l) => l.taskIndex === i), rangesContain(s.done, i)].filter(Boolean).length;
        expect(places).toBe(1);
      }
      for (const count of foldedDone.values()) expect(count).toBe(1);
      expect(countRanges(s.done)).toBe(accepted.size);
      // Reports are of leases from earlier batches (ran > 0 s): each measured once, in the fold that made it done.
      expect(s.measured?.tasks ?? 0).toBe(accepted.size);
    }), { numRuns: 20 });
  });
  let pendingDone: number[] = [];

  it("keeps every item of a 10M-task, 1,000-step job far below 400 KB, whatever the completion order", async () => {
    const job = { ...aStepJob(10_000_000), id: "huge" };
    job.steps = Array.from({ length: 1000 }, (_, k) => ({ ...job.steps[0]!, name: `step-${String(k).padStart(4, "0")}`, dependsOn: k > 0 ? [`step-${String(k - 1).padStart(4, "0")}`] : [], taskCount: 10_000_000 }));
    await jobs.create(job); // the header: step definitions compressed and size-checked
    // The worst shard any order can produce: every task leased to a long node id with a long
    // token, every one reported with the longest message, alternating states, failures, recent tokens.
    const worst = emptyShard(job, 999, job.steps[999]!, shardNoOf(9_999_999));
    const long = (k: number, len: number) => `${k}-`.padEnd(len, "x");
    for (let k = 0; k < worst.count; k++) {
      const token = long(k, 64);
      worst.leases[token] = { i: worst.from + k, node: long(k, 128), attempt: 99, grantedAt: 1.7e12, expiresAt: 1.7e12, expectedEndAt: 1.7e12, queued: true, speed: 9.999 };
      worst.settled[token] = { outcome: "interrupted", at: 1.7e12, startedAt: 1.7e12, endedAt: 1.7e12, message: "界".repeat(settleMessageChars), requestId: long(k, 64) };
      worst.failed[worst.from + k] = 99;
    }
    worst.recent = Array.from({ length: 64 }, (_, k) => long(k, 64));
    // 64 measured tasks of a week each at speed 10, with every digit a float can carry.
    worst.measured = { tasks: 64, refSec: 64 * 6048000.123456789, refSecSq: 64 * 6048000.123456789 ** 2 };
    const bytes = itemBytes(shardItem(worst, true));
    expect(bytes).toBeLessThan(64 * 1024);
    expect(await tasks.write(worst, { version: 0, settled: 0 })).toBe(true);
    // Read back: every report counts at once (interrupted: pending again), the rest untouched.
    const back = (await jobs.get("huge"))!.steps[999]!;
    expect(countRanges(back.pending)).toBe(10_000_000);
    expect(back.leases).toHaveLength(0);
  });

  it("stores large OpenJD parameter spaces within the budget, and refuses (a 400 naming the steps) what cannot fit", async () => {
    // 1,024 STRING values of n pseudo-random CJK characters (3 bytes each in UTF-8).
    const space = (n: number) => ({ params: [{ name: "shot", type: "STRING", values: Array.from({ length: 1024 }, (_, k) => Array.from({ length: n }, (_, c) => String.fromCodePoint(0x4e00 + ((k * 7919 + c * 104729) % 20000))).join("")) }], combination: null }) as never;
    const fits = { ...aStepJob(1024), id: "cjk-180" };
    fits.steps[0]!.parameterSpace = space(180); // ~550 KB of UTF-8: compressed it fits
    await jobs.create(fits);
    expect((await jobs.get("cjk-180"))!.steps[0]!.parameterSpace).toEqual(space(180));
    const huge = { ...aStepJob(1024), id: "cjk-900" };
    huge.steps[0]!.parameterSpace = space(900);
    const err = await jobs.create(huge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe("steps");
    expect(await jobs.get("cjk-900")).toBeUndefined();
  });
});
