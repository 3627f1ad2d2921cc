/**
 * The small ports the use cases depend on. lib/adapters/aws implements them over DynamoDB and
 * SQS; tests use the same adapters against dynalite and fauxqs. Use cases never import an
 * adapter: everything arrives in `ServiceDeps`.
 *
 * Task state lives in bounded shards beside the job header (tasks/shard-book.ts): the planner
 * writes shards through `TaskStore.write`, agents settle through `TaskStore.settle`; the job
 * store reads a job's header and shards together.
 */
import type {
  AuditEvent, ClientRecord, FarmSettings, InboxEntry, JobRecord, JobStatus, NodeRecord, PlanRecord,
  RegistrationSecretRecord, SettleReport, ShardLease, ShardRecord, UsageDay, UsageDelta,
} from "./model.ts";
import type { NodeCredentials } from "./identity/node-credentials.ts";
import type { BurstRequest, CloudLimits } from "../planner/index.ts";
import type { MonitorStore } from "./monitor/monitor-store.ts";
import type { JobRunSpec } from "./run-spec.ts";

/** What became of one burst request (lib/service/capacity). */
export interface BurstOutcome {
  at: number;
  reason: string;
  instanceIds: string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

/** `mutate` returns the new record, or `null` to leave it unchanged (no write). */
export type Mutation<T, R = void> = (current: T) => { next: T; result: R } | { next: null; result: R };

export interface JobStore {
  /** Fails with ConflictError(existing) if the id is taken. */
  create(job: JobRecord): Promise<void>;
  /** ValidationError (on `steps`) if the job could not be stored: checked before anything is written. */
  assertStorable(job: JobRecord): void;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Read, apply `mutate`, write back only if `version` is unchanged; on a lost race re-read and
   * re-apply (bounded retries, then RetryableError). NotFoundError if the job does not exist.
   */
  update<R>(id: string, mutate: Mutation<JobRecord, R>): Promise<{ job: JobRecord; result: R }>;
  /**
   * Change header fields in one conditional write, without a read (edits, the planner's status
   * changes): concurrent patches all land. `before`/`after` carry no task state.
   * ConflictError if `expectedVersion` differs or `openOnly` and the job is finished.
   */
  patch(id: string, change: JobPatch, cond?: { expectedVersion?: number; openOnly?: boolean }): Promise<{ before: JobRecord; after: JobRecord }>;
  /** Jobs not yet finished (queued, running, suspended) with their shards: the planner's view. */
  listActive(): Promise<JobRecord[]>;
  /**
   * The same, plus shards still listed as active whose job has finished (the planner closes
   * them) and the ids of jobs whose stored items could not be read (left out, not fatal).
   */
  listActiveWithOrphans(): Promise<{ jobs: JobRecord[]; orphans: ShardRecord[]; unreadable: string[] }>;
  /** An open `status` (queued, running, suspended) lists every open job: the caller filters on the live status. */
  list(filter: { clientId?: string; status?: JobStatus; limit: number; cursor?: string }): Promise<Page<JobRecord>>;
}

export interface JobPatch {
  set?: Partial<Pick<JobRecord, "deadlineAt" | "priority" | "suspended" | "status" | "finishedAt" | "errorCount">>;
  addErrors?: number;
}

/** Where a settle lands: the shard of the task, checked against the lease's token and node. */
export interface SettleRef {
  jobId: string;
  stepName: string;
  shardNo: number;
  taskIndex: number;
  token: string;
  nodeId: string;
}

export interface TaskStore {
  /** The stored shard, or undefined if it was never written (all pending). */
  shard(jobId: string, stepName: string, no: number): Promise<ShardRecord | undefined>;
  /**
   * Planner write of a whole shard, if it still has the version and settle-report count read
   * (`version` 0: only if absent). False when another writer got there first: re-read, re-apply.
   * `open` false moves a finished job's shard out of the planner's view.
   */
  write(next: ShardRecord, seen: { version: number; settled: number }, open?: boolean): Promise<boolean>;
  /** An agent's report: accepted exactly once while the lease is the node's; otherwise the shard as it is. */
  settle(ref: SettleRef, report: SettleReport): Promise<{ accepted: true; shard: ShardRecord; lease: ShardLease } | { accepted: false; shard: ShardRecord | undefined }>;
}

export interface NodeStore {
  /** The node with the messages waiting for it (one Query of its partition). */
  get(id: string): Promise<NodeRecord | undefined>;
  /** Unconditional batched puts of inbox entries (each its own item, keyed by token and kind). */
  deliver(entries: (InboxEntry & { nodeId: string })[]): Promise<void>;
  /** Remove delivered / acknowledged / settled entries, of any nodes (batched). */
  dropInbox(entries: (Pick<InboxEntry, "kind" | "token"> & { nodeId: string })[]): Promise<void>;
  /**
   * A poll's write: set these fields and bump `version`, without a read or a condition (it
   * renews the node's leases; a concurrent read-modify-write of the node then re-reads).
   */
  touch(id: string, fields: Partial<Omit<NodeRecord, "id" | "version">>, remove?: (keyof NodeRecord)[]): Promise<void>;
  /** Create, or replace the registration fields of, a node (never its inbox). */
  put(node: NodeRecord): Promise<void>;
  /** Create only if no node has this id; false when one does (never replaces it). */
  create(node: NodeRecord): Promise<boolean>;
  update<R>(id: string, mutate: Mutation<NodeRecord, R>): Promise<{ node: NodeRecord; result: R }>;
  list(): Promise<NodeRecord[]>;
}

export interface ClientStore {
  get(id: string): Promise<ClientRecord | undefined>;
  /** Fails with ConflictError(existing) if the id is taken. */
  create(client: ClientRecord): Promise<void>;
  update<R>(id: string, mutate: Mutation<ClientRecord, R>): Promise<{ client: ClientRecord; result: R }>;
  list(): Promise<ClientRecord[]>;
}

export interface RegistrationSecretStore {
  /** Fails with ConflictError if the id is taken. */
  create(secret: RegistrationSecretRecord): Promise<void>;
  get(id: string): Promise<RegistrationSecretRecord | undefined>;
  update<R>(id: string, mutate: Mutation<RegistrationSecretRecord, R>): Promise<{ secret: RegistrationSecretRecord; result: R }>;
  list(): Promise<RegistrationSecretRecord[]>;
}

export interface PlanStore {
  saveLatest(plan: PlanRecord): Promise<void>;
  latest(): Promise<PlanRecord | undefined>;
  /** Recorded for the EC2 adapter; it marks them fulfilled. */
  recordBurst(at: number, requests: BurstRequest[]): Promise<void>;
  pendingBurst(): Promise<(BurstRequest & { requestedAt: number; index: number })[]>;
  /**
   * The capacity use case reports what became of a request (it stops counting as pending),
   * with the instances launched and a sentence (partial, refused by a guard, capacity errors).
   */
  settleBurst(requestedAt: number, index: number, status: "fulfilled" | "failed", outcome?: BurstOutcome): Promise<void>;
  /** A lease on the planning role, so two planners rarely overlap (correctness never depends on it). */
  tryLock(owner: string, now: number, ttlMs: number): Promise<boolean>;
  unlock(owner: string): Promise<void>;
  settings(): Promise<FarmSettings>;
  saveSettings(settings: Partial<FarmSettings>): Promise<void>;
}

export interface AuditQuery {
  jobId?: string;
  clientId?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  /** Many events in batched writes (the planner's record of folded task reports). */
  appendMany(events: AuditEvent[]): Promise<void>;
  /** By job, or by client, or farm-wide; always within [from, to] when given. Newest first. */
  query(q: AuditQuery): Promise<Page<AuditEvent>>;
}

export interface UsageLedger {
  add(clientId: string, day: string, delta: UsageDelta): Promise<void>;
  /** Inclusive day range, YYYY-MM-DD. */
  days(clientId: string, fromDay: string, toDay: string): Promise<UsageDay[]>;
}

export interface PlanTrigger {
  /** Ask for a planning cycle soon; calls close together coalesce into one. */
  requestPlan(reason: string, now: number): Promise<void>;
}

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  /** A fresh unique id with a readable prefix, e.g. `job-…`. */
  id(prefix: string): string;
  /** An unguessable lease token. */
  token(): string;
}

/** What agents run per job (run-spec.ts), stored once at submit beside the job record. */
export interface RunSpecStore {
  /**
   * Stores the spec unless one from another submission (another `requestHash`) is there:
   * then false (two racing submissions with one idempotency key and different bodies).
   */
  put(spec: JobRunSpec, requestHash: string): Promise<boolean>;
  get(jobId: string): Promise<JobRunSpec | undefined>;
}

/**
 * Task logs, rendered frames and previews (S3 in AWS, a folder locally). Keys are
 * `jobs/<jobId>/...`; agents write, the API reads a task's log.
 */
export interface OutputStore {
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** undefined when nothing is stored under `key`. */
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface ServiceDeps {
  jobs: JobStore;
  tasks: TaskStore;
  nodes: NodeStore;
  clients: ClientStore;
  plans: PlanStore;
  audit: AuditLog;
  usage: UsageLedger;
  trigger: PlanTrigger;
  clock: Clock;
  ids: IdGenerator;
  /** Per-job cost and farm samples for the web monitor (optional: absent, the monitor shows less). */
  monitor?: MonitorStore;
  secrets: RegistrationSecretStore;
  /** Issues and verifies node tokens; absent when no signing keys are configured (then agents cannot get tokens). */
  credentials?: NodeCredentials;
  runSpecs: RunSpecStore;
  /** Absent where the deployment keeps no outputs (reading a task log is then a 404). */
  outputs?: OutputStore;
  /** The farm's cloud ceiling (deployment config): the planner sizes bursts within it, GET /farm shows it. Absent: none. */
  cloudLimits?: CloudLimits;
}
