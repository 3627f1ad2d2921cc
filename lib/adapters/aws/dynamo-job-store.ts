/**
 * Jobs: one item per job (`JOB#<id>` / `JOB`) holding the record, its task aggregates and
 * (OpenJD) each step's compact parameter space — so a job is written, and becomes visible,
 * in one conditional put: never half-written. Index attributes:
 *   gsi1: `JOBS#active|closed` / `<submittedAt>#<id>` — the planner's snapshot, operator lists;
 *   gsi2: `CLIENTJOBS#<clientId>` / `<submittedAt>#<id>` — a client's jobs.
 */
import { ConflictError } from "../../service/errors.ts";
import { isActive, type JobRecord } from "../../service/model.ts";
import type { JobStore, Mutation, Page } from "../../service/ports.ts";
import type { DynamoTable, Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `JOB#${id}`, sk: "JOB" });
const sortKey = (job: JobRecord) => `${String(job.submittedAt).padStart(15, "0")}#${job.id}`;

export function jobItem(job: JobRecord): Item {
  return {
    ...key(job.id), ...job,
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
    return this.table.get<JobRecord>(key(id), "job");
  }

  async update<R>(id: string, mutate: Mutation<JobRecord, R>): Promise<{ job: JobRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "job", mutate, jobItem);
    return { job: record, result };
  }

  listActive(): Promise<JobRecord[]> {
    return this.table.queryAll<JobRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "JOBS#active" },
    }, "active jobs");
  }

  async list(f: { clientId?: string; status?: JobRecord["status"]; limit: number; cursor?: string }): Promise<Page<JobRecord>> {
    const byStatus = f.status ? { FilterExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" } } : {};
    const statusValue = f.status ? { ":s": f.status } : {};
    const base = f.clientId
      ? { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :pk", ExpressionAttributeValues: { ":pk": `CLIENTJOBS#${f.clientId}`, ...statusValue } }
      : { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": f.status && !isActive(f.status) ? "JOBS#closed" : "JOBS#active", ...statusValue } };
    // Newest first. A filtered page may hold fewer than `limit` items; the cursor continues.
    return this.table.query<JobRecord>({ ...base, ...byStatus, ScanIndexForward: false }, "jobs", { limit: f.limit, ...(f.cursor ? { cursor: f.cursor } : {}) });
  }
}
