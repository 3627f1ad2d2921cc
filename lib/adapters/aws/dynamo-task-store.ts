/**
 * Task shards (lib/service/tasks/shard-book.ts): `JOB#<jobId>` / `T#<stepName>#<no>`, in the
 * job's partition so a job reads back in one Query, and on gsi1 right after the job header
 * (`JOBS#active` / `<submittedAt>#<jobId>#T#<step>#<no>`) so the planner's snapshot is one
 * paged Query for jobs and their task state together.
 *
 * Two kinds of write, never on the same attribute:
 *   settle  (agents)  UpdateItem SET settled.<token>, if the lease exists for this node and was
 *                     not settled yet — exactly once, no read, no version bump;
 *   write   (planner) PutItem of the whole shard, if `version` and the number of settle reports
 *                     are what the planner read — a report landing in between fails the write
 *                     and the planner re-reads, so no report is ever overwritten.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { SettleReport, ShardLease, ShardRecord } from "../../service/model.ts";
import type { SettleRef, TaskStore } from "../../service/ports.ts";
import { isConditionFailed, mapSdkError } from "./dynamo-errors.ts";
import { assertItemFits } from "./dynamo-item-size.ts";
import { stripKeys, type DynamoTable, type Item } from "./dynamo-table.ts";

const pad = (n: number, w: number) => String(n).padStart(w, "0");
export const shardKey = (jobId: string, stepName: string, no: number) => ({ pk: `JOB#${jobId}`, sk: `T#${stepName}#${pad(no, 8)}` });
export const jobSortKey = (submittedAt: number, jobId: string) => `${pad(submittedAt, 15)}#${jobId}`;

export function shardItem(s: ShardRecord, open: boolean): Item {
  return {
    ...shardKey(s.jobId, s.stepName, s.no), ...s,
    gsi1pk: open ? "JOBS#active" : "JOBS#closed", gsi1sk: `${jobSortKey(s.submittedAt, s.jobId)}#T#${pad(s.step, 4)}#${pad(s.no, 8)}`,
  };
}

export const isShardItem = (item: Item): boolean => typeof item.sk === "string" && item.sk.startsWith("T#");

export function shardFromItem(item: Item): ShardRecord {
  const s = stripKeys(item) as unknown as ShardRecord;
  return { ...s, leases: s.leases ?? {}, settled: s.settled ?? {}, failed: s.failed ?? {}, recent: s.recent ?? [] };
}

export class DynamoTaskStore implements TaskStore {
  constructor(private readonly table: DynamoTable) {}

  async shard(jobId: string, stepName: string, no: number): Promise<ShardRecord | undefined> {
    try {
      const r = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: shardKey(jobId, stepName, no), ConsistentRead: true }));
      return r.Item ? shardFromItem(r.Item) : undefined;
    } catch (err) { throw mapSdkError(err, "task shard"); }
  }

  async write(next: ShardRecord, seen: { version: number; settled: number }, open = true): Promise<boolean> {
    const item = shardItem({ ...next, version: seen.version + 1 }, open);
    assertItemFits(item, `task shard ${item.sk} of job ${next.jobId}`);
    if (seen.version === 0) return this.table.put(item, "task shard", { ifAbsent: true });
    return this.table.put(item, "task shard", {
      condition: "#v = :v AND size(#settled) = :n", values: { ":v": seen.version, ":n": seen.settled }, names: { "#v": "version", "#settled": "settled" },
    });
  }

  async settle(ref: SettleRef, report: SettleReport): Promise<{ accepted: true; shard: ShardRecord; lease: ShardLease } | { accepted: false; shard: ShardRecord | undefined }> {
    try {
      // The no-op SETs make UPDATED_NEW return just what the caller needs (the lease's grant
      // time, the step's kind and work), not the whole shard.
      const r = await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName, Key: shardKey(ref.jobId, ref.stepName, ref.shardNo),
        UpdateExpression: "SET #s.#t = :r, #l.#t.#g = #l.#t.#g, #k = #k, #ts = #ts, #c = #c",
        ConditionExpression: "#l.#t.#node = :node AND #l.#t.#i = :i AND attribute_not_exists(#s.#t)",
        ExpressionAttributeNames: { "#s": "settled", "#l": "leases", "#t": ref.token, "#node": "node", "#i": "i", "#g": "grantedAt", "#k": "kind", "#ts": "taskSec", "#c": "clientId" },
        ExpressionAttributeValues: { ":r": report, ":node": ref.nodeId, ":i": ref.taskIndex },
        ReturnValues: "UPDATED_NEW",
      }));
      const a = (r.Attributes ?? {}) as { leases?: Record<string, { grantedAt: number }>; kind?: string; taskSec?: number; clientId?: string };
      const grantedAt = a.leases?.[ref.token]?.grantedAt ?? report.at;
      const lease: ShardLease = { i: ref.taskIndex, node: ref.nodeId, attempt: 0, grantedAt, expiresAt: 0, expectedEndAt: 0, queued: false };
      const shard = { jobId: ref.jobId, stepName: ref.stepName, no: ref.shardNo, kind: a.kind ?? "", taskSec: a.taskSec ?? 0, clientId: a.clientId ?? "" } as ShardRecord;
      return { accepted: true, shard, lease };
    } catch (err) {
      if (!isConditionFailed(err)) throw mapSdkError(err, "task settle");
      return { accepted: false, shard: await this.shard(ref.jobId, ref.stepName, ref.shardNo) };
    }
  }
}
