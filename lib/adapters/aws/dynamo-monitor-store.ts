/**
 * The monitor's extra reads (lib/service/monitor/monitor-store.ts) in the one table:
 *   `JOBCOST#<jobId>` / `TOTAL`        counters incremented with ADD (atomic, no read)
 *   `FARMSAMPLE#<yyyy-mm-dd>` / `<at>`  one farm sample per planning cycle, kept 14 days (TTL)
 *   `OUTPUTS#<jobId>` / `T#<taskId>`   a succeeded task's frames; gsi2 `OUTPUTS#<jobId>` /
 *                                      `<settledAt>#<taskId>` lists a job's newest first
 * Samples are partitioned by day so a day's chart is one Query, and no partition grows hot.
 */
import { BatchGetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FarmSample, JobCost, MonitorStore } from "../../service/monitor/monitor-store.ts";
import type { TaskOutputsRecord } from "../../service/monitor/task-outputs.ts";
import { mapSdkError } from "./dynamo-errors.ts";
import { stripKeys, type DynamoTable } from "./dynamo-table.ts";

const costFields = ["cloudCost", "energyCost", "energyKWh", "nodeHours"] as const;
const sampleTtlSec = 14 * 86_400;
const dayMs = 86_400_000;
const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);
const pad = (at: number) => String(at).padStart(15, "0");

export class DynamoMonitorStore implements MonitorStore {
  constructor(private readonly table: DynamoTable) {}

  async addJobCost(cost: JobCost): Promise<void> {
    const values: Record<string, unknown> = { ":j": cost.jobId, ":c": cost.clientId };
    costFields.forEach((f, i) => { values[`:v${i}`] = cost[f]; });
    try {
      await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: `JOBCOST#${cost.jobId}`, sk: "TOTAL" },
        UpdateExpression: `SET jobId = :j, clientId = :c ADD ${costFields.map((f, i) => `${f} :v${i}`).join(", ")}`,
        ExpressionAttributeValues: values,
      }));
    } catch (err) { throw mapSdkError(err, "job cost"); }
  }

  async jobCosts(jobIds: readonly string[]): Promise<JobCost[]> {
    const out: JobCost[] = [];
    const ids = [...new Set(jobIds)];
    // BatchGetItem takes at most 100 keys.
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ pk: `JOBCOST#${id}`, sk: "TOTAL" }));
      for (let round = 0; keys && keys.length > 0 && round < 5; round++) {
        try {
          const r = await this.table.doc.send(new BatchGetCommand({ RequestItems: { [this.table.tableName]: { Keys: keys } } }));
          out.push(...(r.Responses?.[this.table.tableName] ?? []).map((item) => stripKeys(item) as unknown as JobCost));
          keys = r.UnprocessedKeys?.[this.table.tableName]?.Keys as Record<string, unknown>[] | undefined;
        } catch (err) { throw mapSdkError(err, "job costs"); }
      }
    }
    return out;
  }

  async recordSample(sample: FarmSample): Promise<void> {
    await this.table.put({ pk: `FARMSAMPLE#${dayOf(sample.at)}`, sk: pad(sample.at), ...sample, ttl: Math.floor(sample.at / 1000) + sampleTtlSec }, "farm sample");
  }

  async samples(from: number, to: number): Promise<FarmSample[]> {
    const out: FarmSample[] = [];
    for (let d = Date.parse(dayOf(from)); d <= to; d += dayMs) {
      out.push(...await this.table.queryAll<FarmSample>({
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": `FARMSAMPLE#${dayOf(d)}`, ":from": pad(from), ":to": pad(to) },
      }, "farm samples"));
    }
    return out;
  }

  /** One conditional put: absent, or the stored report is not newer (a duplicate passes and changes nothing). */
  async putTaskOutputs(record: TaskOutputsRecord): Promise<boolean> {
    const gsi2pk = `OUTPUTS#${record.jobId}`;
    return this.table.put(
      { pk: gsi2pk, sk: `T#${record.taskId}`, gsi2pk, gsi2sk: `${pad(record.settledAt)}#${record.taskId}`, ...record },
      "task outputs",
      { condition: "attribute_not_exists(pk) OR settledAt <= :s", values: { ":s": record.settledAt } },
    );
  }

  async latestTaskOutputs(jobId: string, limit: number): Promise<TaskOutputsRecord[]> {
    const page = await this.table.query<TaskOutputsRecord>({
      IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :pk", ExpressionAttributeValues: { ":pk": `OUTPUTS#${jobId}` }, ScanIndexForward: false,
    }, "task outputs", { limit });
    return page.items;
  }

  taskOutputs(jobId: string, taskId: string): Promise<TaskOutputsRecord | undefined> {
    return this.table.get<TaskOutputsRecord>({ pk: `OUTPUTS#${jobId}`, sk: `T#${taskId}` }, "task outputs");
  }
}
