/**
 * Planning-cycle stage 2: fold what agents reported into the task state, per shard — settle
 * reports become done / pending / exhausted, lapsed leases return to pending (their nodes get a
 * cancel notice), closed jobs' shards end every lease. Each shard is one conditional write
 * (shard-book.ts explains why a report landing meanwhile is never lost: the write fails and the
 * shard is re-read). Then, batched: the jobs' status and error counts, usage by client and day,
 * the audit events of every folded report.
 */
import { taskId, type Policy } from "../../planner/index.ts";
import type { AuditEvent, FarmSettings, InboxEntry, JobRecord, NodeRecord, ShardLease, ShardRecord, UsageDelta } from "../model.ts";
import { emptyUsage, isActive } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import { statusOf } from "../lease-book.ts";
import { attemptUsage, dayOf } from "../usage.ts";
import { recordJobCost } from "../monitor/job-costs.ts";
import { spendCloudBudget } from "../learn-from-attempt.ts";
import { mapLimit } from "../map-limit.ts";
import { assembleJob } from "./assemble.ts";
import { foldShard, needsFold, type Folded, type FoldPolicy } from "./shard-book.ts";
import { attemptSpan } from "./attempt-runtime.ts";

/** Lost races on one shard before the cycle gives it up (the next cycle folds it). */
const maxShardAttempts = 8;
/** Shard writes in flight: jobs × shards of one job. */
const jobConcurrency = 8;
const shardConcurrency = 4;

export interface FoldOutcome {
  jobs: JobRecord[];
  reports: number;
  expired: number;
  warnings: string[];
}

/** When a lease lapses: grant + leaseSec, pushed out by each poll of its node that reported it. */
export function leaseExpiry(nodes: Map<string, NodeRecord>, leaseSec: number) {
  return (l: ShardLease, token: string): number => {
    const n = nodes.get(l.node);
    const renewed = n && n.holding.some((h) => h.token === token) ? n.lastSeenAt + leaseSec * 1000 : 0;
    return Math.max(l.expiresAt, renewed);
  };
}

export async function foldTaskReports(
  deps: ServiceDeps, x: { jobs: JobRecord[]; orphans: ShardRecord[]; unreadable?: string[]; nodes: NodeRecord[]; settings: FarmSettings; now: number },
): Promise<FoldOutcome> {
  const { policy, tariff } = x.settings;
  const nodes = new Map(x.nodes.map((n) => [n.id, n]));
  const expiry = leaseExpiry(nodes, policy.leaseSec);
  const out: FoldOutcome = { jobs: [], reports: 0, expired: 0, warnings: (x.unreadable ?? []).map((id) => `job ${id}: its stored items cannot be read; left out of this plan`) };
  const notices: (InboxEntry & { nodeId: string })[] = [];
  // A lease that ended (reported or lapsed) is no longer offered to its node, however it was reported.
  const ended: (Pick<InboxEntry, "kind" | "token"> & { nodeId: string })[] = [];
  const events: AuditEvent[] = [];
  const usage = new Map<string, { clientId: string; day: string; delta: UsageDelta }>();
  const cloudSpend = new Map<string, number>();
  // Cost so far per job (the monitor's "cost" column), booked beside the client's usage.
  const jobCost = new Map<string, { job: Pick<JobRecord, "id" | "clientId">; delta: UsageDelta }>();

  const foldJob = async (job: JobRecord, shards: ShardRecord[], closing: FoldPolicy["closing"]): Promise<JobRecord> => {
    const p: FoldPolicy = { now: x.now, retriesPerTask: policy.failures.retriesPerTask, expiry, ...(closing ? { closing } : {}) };
    const after = new Map(shards.map((s) => [s.no * 1e4 + s.step, s]));
    let failures = 0;
    // A closing job's shards all leave the planner's view; an open job's only when they have news.
    const todo = closing ? shards : shards.filter((s0) => needsFold(s0, p));
    await mapLimit(todo, shardConcurrency, async (s0) => {
      const r = await foldOne(deps, s0, p, !closing);
      after.set(s0.no * 1e4 + s0.step, r.shard);
      for (const f of r.folded) {
        out.reports++;
        ended.push({ nodeId: f.lease.node, kind: "grant", token: f.token });
        if (f.report.outcome === "failed") failures++;
        record(f, s0, job);
      }
      for (const e of r.expired) {
        ended.push({ nodeId: e.node, kind: "grant", token: e.token });
        notices.push(notice(s0, e.token, e, closing ? `job ${closing}` : "lease expired", x.now));
        if (closing) continue; // ended with its job (audited as the cancel or the failure)
        out.expired++;
        events.push(event(deps.ids, x.now, "system:planner", "system", s0.clientId, "task.lease-expired", taskId(s0.jobId, s0.stepName, e.i), { nodeId: e.node, attempt: e.attempt, grantedAt: e.grantedAt }, null));
      }
    });
    return closing ? job : settleJob(deps, assembleJob(job, [...after.values()]), failures, policy, x.now, events);
  };

  const record = (f: Folded, s: ShardRecord, job: JobRecord) => {
    const node = nodes.get(f.lease.node);
    const { startedAt, endedAt } = attemptSpan(f.lease.grantedAt, f.report);
    const used = attemptUsage(node, startedAt, endedAt, tariff, f.report.outcome === "succeeded");
    const k = `${s.clientId}|${dayOf(endedAt)}`;
    const u = usage.get(k) ?? { clientId: s.clientId, day: dayOf(endedAt), delta: emptyUsage() };
    for (const f2 of Object.keys(used) as (keyof UsageDelta)[]) u.delta[f2] += used[f2];
    usage.set(k, u);
    if (used.cloudCost > 0) cloudSpend.set(s.clientId, (cloudSpend.get(s.clientId) ?? 0) + used.cloudCost);
    const c = jobCost.get(s.jobId) ?? { job: { id: s.jobId, clientId: s.clientId }, delta: emptyUsage() };
    for (const f2 of Object.keys(used) as (keyof UsageDelta)[]) c.delta[f2] += used[f2];
    jobCost.set(s.jobId, c);
    events.push(event(deps.ids, f.report.at, `agent:${f.lease.node}`, "agent", job.clientId, `task.${f.report.outcome}`, taskId(s.jobId, s.stepName, f.lease.i),
      undefined, f.report.requestId ?? null, { nodeId: f.lease.node, attempt: f.lease.attempt, becomes: f.becomes, ...(f.report.message ? { message: f.report.message } : {}) }));
  };

  // Jobs are independent: several fold at once (order of the snapshot kept).
  const folded = await mapLimit(x.jobs, jobConcurrency, async (job) => {
    try {
      return await foldJob(job, job.shards ?? [], undefined);
    } catch (err) {
      out.warnings.push(`job ${job.id}: task state not folded this cycle (${(err as Error).message}); its leases stay as they are`);
      return job;
    }
  });
  for (const next of folded) if (isActive(next.status)) out.jobs.push(next);
  // Shards of jobs that finished or were canceled since: end their leases, take them out of the view.
  const orphanJobs = new Map<string, ShardRecord[]>();
  for (const s of x.orphans) { const list = orphanJobs.get(s.jobId); if (list) list.push(s); else orphanJobs.set(s.jobId, [s]); }
  await mapLimit([...orphanJobs], jobConcurrency, async ([jobId, shards]) => {
    try {
      const header = await deps.jobs.get(jobId);
      const closing = header?.status === "canceled" ? "canceled" : header?.status === "failed" ? "failed" : "done";
      await foldJob(header ?? ({ id: jobId, clientId: shards[0]!.clientId } as JobRecord), shards, closing);
    } catch (err) {
      out.warnings.push(`job ${jobId}: closing its task state failed (${(err as Error).message}); retried next cycle`);
    }
  });

  await Promise.all([
    notices.length > 0 ? deps.nodes.deliver(notices) : undefined,
    ended.length > 0 ? deps.nodes.dropInbox(ended) : undefined,
    events.length > 0 ? deps.audit.appendMany(events) : undefined,
    ...[...usage.values()].map((u) => deps.usage.add(u.clientId, u.day, u.delta)),
    ...[...cloudSpend].map(([c, cost]) => spendCloudBudget(deps, c, cost).catch(() => undefined)),
    ...[...jobCost.values()].map((c) => recordJobCost(deps, c.job, c.delta).catch(() => undefined)),
  ]);
  return out;
}

/** Fold one shard; on a lost race re-read it and fold again. */
async function foldOne(deps: ServiceDeps, s0: ShardRecord, p: FoldPolicy, open: boolean): Promise<{ shard: ShardRecord; folded: Folded[]; expired: (ShardLease & { token: string })[] }> {
  let cur: ShardRecord | undefined = s0;
  for (let attempt = 0; attempt < maxShardAttempts && cur; attempt++) {
    const r = foldShard(cur, p);
    const next = r.next ?? cur;
    if (await deps.tasks.write(next, { version: cur.version, settled: Object.keys(cur.settled).length }, open)) {
      return { shard: { ...next, version: cur.version + 1 }, folded: r.folded, expired: r.expired };
    }
    // Closing a finished job's shard that changed meanwhile (a requeue reopening it): leave it
    // to the next cycle, which reads the header afresh — never close a reopened job's shard.
    if (!open) throw new Error(`shard ${s0.stepName}#${s0.no} changed while its job was being closed`);
    cur = await deps.tasks.shard(s0.jobId, s0.stepName, s0.no);
  }
  throw new Error(`shard ${s0.stepName}#${s0.no} kept changing`);
}

/** The job's status (and error count) after its reports: one patch when something changed. */
async function settleJob(deps: ServiceDeps, job: JobRecord, failures: number, policy: Policy, now: number, events: AuditEvent[]): Promise<JobRecord> {
  const errorCount = job.errorCount + failures;
  let status = statusOf(job);
  if (errorCount >= policy.failures.errorsPerJob && isActive(status)) status = "failed";
  const finished = !isActive(status);
  // Open jobs keep their stored status (queued/suspended); running is read from the leases.
  if (!finished && failures === 0) return job;
  const { after } = await deps.jobs.patch(job.id, { ...(finished ? { set: { status, finishedAt: now } } : {}), addErrors: failures });
  if (finished) events.push(event(deps.ids, now, "system:planner", "system", job.clientId, `job.${status}`, job.id, undefined, null, { status }, "job"));
  return { ...job, ...after, steps: job.steps, shards: job.shards };
}

function notice(s: ShardRecord, token: string, l: ShardLease, reason: string, now: number): InboxEntry & { nodeId: string } {
  return { nodeId: l.node, kind: "cancel", jobId: s.jobId, stepName: s.stepName, taskIndex: l.i, token, queued: l.queued, estimatedSec: 0, reason, at: now };
}

function event(
  ids: ServiceDeps["ids"], at: number, actor: string, actorKind: AuditEvent["actorKind"], clientId: string | null, action: string, id: string,
  before: unknown, requestId: string | null, after?: unknown, type: AuditEvent["target"]["type"] = "task",
): AuditEvent {
  return {
    id: ids.id("evt"), at, actor, actorKind, clientId, action, target: { type, id },
    ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), requestId,
  };
}
