/**
 * Jobs: a header item per job (`JOB#<id>` / `JOB`) — scheduling fields and the step
 * definitions (gzip'd `defsZ`: frames, OpenJD parameter spaces) — and its task shards in the
 * same partition (dynamo-task-store.ts). A job is created by one conditional put of its header
 * (shards appear as tasks are handed out), so it is never half-written. Index attributes:
 *   gsi1: `JOBS#active|closed` / `<submittedAt>#<id>` (shards sort right after) — the planner's
 *         snapshot, operator lists;
 *   gsi2: `CLIENTJOBS#<clientId>` / `<submittedAt>#<id>` — a client's jobs (headers only).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { QueryCommand, UpdateCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { ConflictError, NotFoundError, RetryableError, ValidationError } from "../../service/errors.ts";
import { isActive, type JobRecord, type ShardRecord, type StepRecord } from "../../service/model.ts";
import type { JobPatch, JobStore, Mutation, Page } from "../../service/ports.ts";
import { assembleJob } from "../../service/tasks/assemble.ts";
import { isConditionFailed, mapSdkError } from "./dynamo-errors.ts";
import { ItemTooLargeError, assertItemFits } from "./dynamo-item-size.ts";
import { isShardItem, jobSortKey, shardFromItem } from "./dynamo-task-store.ts";
import { backoffMs, maxWriteAttempts, stripKeys, writeBudgetMs, type DynamoTable, type Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `JOB#${id}`, sk: "JOB" });
const taskFields = ["pending", "leases", "done", "exhausted", "failedAttempts", "measured"] as const;
type StepDef = Omit<StepRecord, (typeof taskFields)[number]>;

/** Header item → record with empty task state (assembleJob fills it from the shards). */
export function jobFromItem(item: Item): JobRecord {
  const { defsZ, ...rest } = stripKeys(item) as Item & { defsZ?: Uint8Array };
  const defs = defsZ ? (JSON.parse(gunzipSync(defsZ).toString("utf8")) as StepDef[]) : [];
  const steps = defs.map((d) => ({ ...d, pending: [], leases: [], done: [], exhausted: [], failedAttempts: {} }));
  return { ...(rest as unknown as JobRecord), steps };
}

/** Record → header item; task state is not part of it. Refused if it would not fit an item. */
export function jobItem(job: JobRecord): Item {
  const { steps, shards: _shards, ...rest } = job;
  const defs = steps.map((s) => { const d: Record<string, unknown> = { ...s }; for (const f of taskFields) delete d[f]; return d; });
  const item = {
    ...key(job.id), ...rest, defsZ: gzipSync(JSON.stringify(defs)),
    ...indexAttrs(job),
  };
  try { assertItemFits(item, `job ${job.id}`); } catch (err) {
    if (err instanceof ItemTooLargeError) throw new ValidationError("steps", `the job's step definitions take ${err.bytes} bytes (UTF-8, compressed), over the ${err.budget} that can be stored; split it into several jobs`, { cause: err });
    throw err;
  }
  return item;
}

const taskState = (j: JobRecord): string => JSON.stringify(j.steps.map((st) => taskFields.map((f) => st[f])));

const indexAttrs = (job: Pick<JobRecord, "status" | "submittedAt" | "id" | "clientId">) => ({
  gsi1pk: isActive(job.status) ? "JOBS#active" : "JOBS#closed", gsi1sk: jobSortKey(job.submittedAt, job.id),
  gsi2pk: `CLIENTJOBS#${job.clientId}`, gsi2sk: jobSortKey(job.submittedAt, job.id),
});

/**
 * Items of one query (headers and shards, in key order) → assembled jobs, shards without an
 * active header, and the ids of jobs whose items cannot be read (skipped, so one bad item never
 * stops the others).
 */
function group(items: Item[]): { jobs: JobRecord[]; orphans: ShardRecord[]; unreadable: string[] } {
  const headers = new Map<string, JobRecord>();
  const shards = new Map<string, ShardRecord[]>();
  const unreadable = new Set<string>();
  for (const it of items) {
    try {
      if (isShardItem(it)) {
        const s = shardFromItem(it);
        const list = shards.get(s.jobId);
        if (list) list.push(s); else shards.set(s.jobId, [s]);
      } else if (it.sk === "JOB") {
        const j = jobFromItem(it);
        headers.set(j.id, j);
      } // other items of a job's partition (its run spec) are not the job's
    } catch {
      unreadable.add(String(it.pk).slice("JOB#".length));
    }
  }
  const jobs: JobRecord[] = [];
  for (const j of headers.values()) {
    if (unreadable.has(j.id)) continue;
    try { jobs.push(assembleJob(j, shards.get(j.id) ?? [])); } catch { unreadable.add(j.id); }
  }
  const orphans = [...shards].filter(([id]) => !headers.has(id) && !unreadable.has(id)).flatMap(([, s]) => s);
  return { jobs, orphans, unreadable: [...unreadable] };
}

export class DynamoJobStore implements JobStore {
  constructor(private readonly table: DynamoTable) {}

  assertStorable(job: JobRecord): void {
    jobItem(job);
  }

  async create(job: JobRecord): Promise<void> {
    const ok = await this.table.put(jobItem(job), "job", { ifAbsent: true });
    if (!ok) throw new ConflictError(`job ${job.id} already exists`, await this.get(job.id));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const items = await this.queryItems({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `JOB#${id}` }, ConsistentRead: true });
    return group(items).jobs[0];
  }

  async update<R>(id: string, mutate: Mutation<JobRecord, R>): Promise<{ job: JobRecord; result: R }> {
    // The header is the versioned item; the mutation also sees the task state (read alongside).
    const started = Date.now();
    for (let attempt = 0; attempt < maxWriteAttempts && Date.now() - started < writeBudgetMs; attempt++) {
      const current = await this.get(id);
      if (!current) throw new NotFoundError("job", id);
      const { next, result } = mutate(current);
      if (next === null) return { job: current, result };
      // Loud, not lost: task state lives in the shards (TaskStore; e.g. tasks/requeue-exhausted.ts).
      if (taskState(next) !== taskState(current)) throw new Error(`job ${id}: JobStore.update writes the header only; change task state through TaskStore`);
      const written = { ...next, version: current.version + 1 };
      if (await this.table.put(jobItem(written), "job", { condition: "version = :v", values: { ":v": current.version } })) return { job: written, result };
      await this.table.sleep(backoffMs(attempt));
    }
    throw new RetryableError(`job ${id}: too many concurrent updates; retry`);
  }

  async patch(id: string, change: JobPatch, cond: { expectedVersion?: number; openOnly?: boolean } = {}): Promise<{ before: JobRecord; after: JobRecord }> {
    const names: Record<string, string> = { "#v": "version" };
    const values: Record<string, unknown> = { ":one": 1 };
    const sets: string[] = [];
    for (const [k, v] of Object.entries(change.set ?? {})) {
      names[`#${k}`] = k; values[`:${k}`] = v; sets.push(`#${k} = :${k}`);
    }
    const status = change.set?.status;
    if (status) {
      names["#g1"] = "gsi1pk"; values[":g1"] = isActive(status) ? "JOBS#active" : "JOBS#closed"; sets.push("#g1 = :g1");
    }
    const adds = ["#v :one"];
    if (change.addErrors) { names["#e"] = "errorCount"; values[":e"] = change.addErrors; adds.push("#e :e"); }
    const conds = ["attribute_exists(pk)"];
    if (cond.expectedVersion !== undefined) { values[":ev"] = cond.expectedVersion; conds.push("#v = :ev"); }
    if (cond.openOnly) { names["#st"] = "status"; values[":q"] = "queued"; values[":r"] = "running"; values[":s"] = "suspended"; conds.push("#st IN (:q, :r, :s)"); }
    try {
      const r = await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName, Key: key(id),
        UpdateExpression: `${sets.length > 0 ? `SET ${sets.join(", ")} ` : ""}ADD ${adds.join(", ")}`,
        ConditionExpression: conds.join(" AND "), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
        ReturnValues: "ALL_OLD",
      }));
      const before = jobFromItem(r.Attributes ?? {});
      const after = { ...before, ...change.set, errorCount: (change.set?.errorCount ?? before.errorCount) + (change.addErrors ?? 0), version: before.version + 1 };
      return { before, after };
    } catch (err) {
      if (!isConditionFailed(err)) throw mapSdkError(err, "job");
      const current = await this.get(id);
      if (!current) throw new NotFoundError("job", id);
      if (cond.expectedVersion !== undefined && current.version !== cond.expectedVersion) {
        throw new ConflictError(`job ${id} is at version ${current.version}, not ${cond.expectedVersion}`, current);
      }
      throw new ConflictError(`job ${id} is ${current.status}; only open jobs can be edited`);
    }
  }

  async listActive(): Promise<JobRecord[]> {
    return (await this.listActiveWithOrphans()).jobs;
  }

  async listActiveWithOrphans(): Promise<{ jobs: JobRecord[]; orphans: ShardRecord[]; unreadable: string[] }> {
    return group(await this.queryItems({ IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "JOBS#active" } }));
  }

  async list(f: { clientId?: string; status?: JobRecord["status"]; limit: number; cursor?: string }): Promise<Page<JobRecord>> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    // Open jobs store queued or suspended (running is read from their leases): an open status
    // selects open jobs here and the caller keeps those whose live status matches.
    if (f.status && !isActive(f.status)) { names["#s"] = "status"; values[":s"] = f.status; filters.push("#s = :s"); }
    if (f.status && isActive(f.status) && f.clientId) {
      names["#s"] = "status"; Object.assign(values, { ":q": "queued", ":r": "running", ":u": "suspended" }); filters.push("#s IN (:q, :r, :u)");
    }
    let base: Omit<QueryCommandInput, "TableName">;
    if (f.clientId) {
      base = { IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :pk" };
      values[":pk"] = `CLIENTJOBS#${f.clientId}`;
    } else {
      base = { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk" };
      values[":pk"] = f.status && !isActive(f.status) ? "JOBS#closed" : "JOBS#active";
      values[":job"] = "JOB"; filters.push("sk = :job"); // gsi1 also lists task shards
    }
    const input = {
      ...base, ExpressionAttributeValues: values, ScanIndexForward: false,
      ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    };
    // Newest first. A filtered page may hold fewer than `limit` items; the cursor continues.
    const page = await this.table.query<Item>(input, "jobs", { limit: f.limit, ...(f.cursor ? { cursor: f.cursor } : {}) }, (i) => i);
    // Progress needs each listed job's shards (one Query per job, in parallel).
    const items = await Promise.all(page.items.map(async (i) => (await this.get(String(i.id))) ?? jobFromItem(i)));
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  }

  private async queryItems(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
    const out: Item[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const r = await this.table.doc.send(new QueryCommand({ TableName: this.table.tableName, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
        out.push(...(r.Items ?? []));
        start = r.LastEvaluatedKey;
      } while (start);
    } catch (err) { throw mapSdkError(err, "jobs"); }
    return out;
  }
}
