/**
 * Jobs: one item per job (`JOB#<id>` / `JOB`) holding the record, its task aggregates and
 * (OpenJD) each step's compact parameter space — so a job is written, and becomes visible,
 * in one conditional put: never half-written. Index attributes:
 *   gsi1: `JOBS#active|closed` / `<submittedAt>#<id>` — the planner's snapshot, operator lists;
 *   gsi2: `CLIENTJOBS#<clientId>` / `<submittedAt>#<id>` — a client's jobs.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { ConflictError } from "../../service/errors.ts";
import { isActive, type JobRecord } from "../../service/model.ts";
import type { JobStore, Mutation, Page } from "../../service/ports.ts";
import type { DynamoTable, Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `JOB#${id}`, sk: "JOB" });
const sortKey = (job: JobRecord) => `${String(job.submittedAt).padStart(15, "0")}#${job.id}`;

/**
 * Steps (task ranges, leases, parameter spaces) and recently settled tokens are stored
 * gzip'd: preview-first order leaves `done` fragmented into thousands of small ranges mid-run,
 * which as a DynamoDB map would approach the 400 KB item limit; compressed it stays small,
 * and the planner's snapshot reads fewer pages.
 */
export function jobFromItem(item: Item): JobRecord {
  const { bodyZ, ...rest } = item as Item & { bodyZ?: Uint8Array };
  if (!bodyZ) return item as unknown as JobRecord;
  const body = JSON.parse(gunzipSync(bodyZ).toString("utf8")) as Pick<JobRecord, "steps" | "recentlySettled">;
  return { ...(rest as unknown as JobRecord), steps: body.steps, recentlySettled: body.recentlySettled };
}

export function jobItem(job: JobRecord): Item {
  const { steps, recentlySettled, ...rest } = job;
  return {
    ...key(job.id), ...rest, bodyZ: gzipSync(JSON.stringify({ steps, recentlySettled })),
    gsi1pk: isActive(job.status) ? "JOBS#active" : "JOBS#closed", gsi1sk: sortKey(job),
    gsi2pk: `CLIENTJOBS#${job.clientId}`, gsi2sk: sortKey(job),
  };
}

export class DynamoJobStore implements JobStore {
  constructor(private readonly table: DynamoTable) {}

  async create(job: JobRecord): Promise<void> {
    const ok = await this.table.put(jobItem(job), "job", { ifAbsent: true });
    if (!ok) throw new ConflictError(`job ${job.id} already exists`, await this.get(job.id));
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.table.get<JobRecord>(key(id), "job", jobFromItem);
  }

  async update<R>(id: string, mutate: Mutation<JobRecord, R>): Promise<{ job: JobRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "job", mutate, jobItem, jobFromItem);
    return { job: record, result };
  }

  listActive(): Promise<JobRecord[]> {
    return this.table.queryAll<JobRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "JOBS#active" },
    }, "active jobs", jobFromItem);
  }

  async list(f: { clientId?: string; status?: JobRecord["status"]; limit: number; cursor?: string }): Promise<Page<JobRecord>> {
    const byStatus = f.status ? { FilterExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" } } : {};
    const statusValue = f.status ? { ":s": f.status } : {};
    const base = f.clientId
      ? { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :pk", ExpressionAttributeValues: { ":pk": `CLIENTJOBS#${f.clientId}`, ...statusValue } }
      : { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": f.status && !isActive(f.status) ? "JOBS#closed" : "JOBS#active", ...statusValue } };
    // Newest first. A filtered page may hold fewer than `limit` items; the cursor continues.
    return this.table.query<JobRecord>({ ...base, ...byStatus, ScanIndexForward: false }, "jobs", { limit: f.limit, ...(f.cursor ? { cursor: f.cursor } : {}) }, jobFromItem);
  }
}
