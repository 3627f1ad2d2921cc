/**
 * Planner output and farm settings.
 *   `PLAN` / `LATEST`            header of the last plan {at, planId, chunks}
 *   `PLAN` / `CHUNK#<planId>#<i>` gzip'd JSON of the PlanRecord in ≤300 KB pieces (10,000 job
 *                                 decisions do not fit one 400 KB item); written before the
 *                                 header, so readers switch plans atomically; old ones expire (TTL).
 *   `PLAN` / `LOCK`              the planner lease {owner, expiresAt}
 *   `BURST` / `<at>#<n>`         burst requests for the capacity use case (status pending|fulfilled|failed, outcome)
 *   `FARM` / `SETTINGS`          tariff, cloud offers, policy
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { NotFoundError } from "../../service/errors.ts";
import { isConditionFailed, mapSdkError } from "./dynamo-errors.ts";
import { withPolicy, type BurstRequest, type Policy } from "../../planner/index.ts";
import type { FarmSettings, PlanRecord } from "../../service/model.ts";
import type { BurstOutcome, PlanStore } from "../../service/ports.ts";
import type { DynamoTable } from "./dynamo-table.ts";

const chunkBytes = 300_000;
const burstKey = (at: number, n: number) => `${String(at).padStart(15, "0")}#${n}`;
const ttlSec = (ms: number) => Math.floor(ms / 1000);

export class DynamoPlanStore implements PlanStore {
  constructor(private readonly table: DynamoTable) {}

  async saveLatest(plan: PlanRecord): Promise<void> {
    const planId = `${plan.at}-${Math.random().toString(36).slice(2, 8)}`;
    const zipped = gzipSync(JSON.stringify(plan));
    const chunks = Math.max(1, Math.ceil(zipped.length / chunkBytes));
    for (let i = 0; i < chunks; i++) {
      await this.table.put({
        pk: "PLAN", sk: `CHUNK#${planId}#${i}`, data: zipped.subarray(i * chunkBytes, (i + 1) * chunkBytes),
        ttl: ttlSec(plan.at) + 3600,
      }, "plan");
    }
    // Never move LATEST backwards when two planners finish out of order.
    await this.table.put({ pk: "PLAN", sk: "LATEST", at: plan.at, planId, chunks }, "plan", {
      condition: "attribute_not_exists(pk) OR #at <= :at", values: { ":at": plan.at }, names: { "#at": "at" },
    });
  }

  async latest(): Promise<PlanRecord | undefined> {
    const head = await this.table.get<{ planId: string; chunks: number }>({ pk: "PLAN", sk: "LATEST" }, "plan");
    if (!head) return undefined;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < head.chunks; i++) {
      const c = await this.table.get<{ data: Uint8Array }>({ pk: "PLAN", sk: `CHUNK#${head.planId}#${i}` }, "plan");
      if (!c) return undefined;
      parts.push(c.data);
    }
    return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as PlanRecord;
  }

  async recordBurst(at: number, requests: BurstRequest[]): Promise<void> {
    for (const [n, r] of requests.entries()) {
      await this.table.put({ pk: "BURST", sk: burstKey(at, n), ...r, requestedAt: at, index: n, status: "pending" }, "burst request");
    }
  }

  async settleBurst(requestedAt: number, index: number, status: "fulfilled" | "failed", outcome?: BurstOutcome): Promise<void> {
    try {
      await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName, Key: { pk: "BURST", sk: burstKey(requestedAt, index) },
        UpdateExpression: outcome ? "SET #s = :s, #o = :o" : "SET #s = :s", ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#s": "status", ...(outcome ? { "#o": "outcome" } : {}) },
        ExpressionAttributeValues: { ":s": status, ...(outcome ? { ":o": outcome } : {}) },
      }));
    } catch (err) {
      if (isConditionFailed(err)) throw new NotFoundError("burst request", burstKey(requestedAt, index), { cause: err });
      throw mapSdkError(err, "burst request");
    }
  }

  async pendingBurst(): Promise<(BurstRequest & { requestedAt: number; index: number })[]> {
    const rows = await this.table.queryAll<BurstRequest & { requestedAt: number; index: number; status: string }>({
      KeyConditionExpression: "pk = :pk", FilterExpression: "#s = :pending",
      ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":pk": "BURST", ":pending": "pending" },
    }, "burst requests");
    return rows.map(({ status: _s, ...r }) => r);
  }

  tryLock(owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.table.put({ pk: "PLAN", sk: "LOCK", owner, expiresAt: now + ttlMs }, "planner lock", {
      condition: "attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner",
      values: { ":now": now, ":owner": owner }, names: { "#owner": "owner" },
    });
  }

  async unlock(owner: string): Promise<void> {
    await this.table.put({ pk: "PLAN", sk: "LOCK", owner: "", expiresAt: 0 }, "planner lock", {
      condition: "#owner = :owner", values: { ":owner": owner }, names: { "#owner": "owner" },
    });
  }

  async settings(): Promise<FarmSettings> {
    const s = await this.table.get<Partial<FarmSettings> & { policy?: Partial<Policy> }>({ pk: "FARM", sk: "SETTINGS" }, "settings");
    return {
      tariff: s?.tariff ?? null,
      cloudOffers: s?.cloudOffers ?? [],
      policy: withPolicy(s?.policy ?? {}),
    };
  }

  async saveSettings(settings: Partial<FarmSettings>): Promise<void> {
    const current = await this.settings();
    await this.table.put({ pk: "FARM", sk: "SETTINGS", ...current, ...settings }, "settings");
  }
}
