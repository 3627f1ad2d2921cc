/**
 * A service wired to real local DynamoDB and SQS with a hand-driven clock and predictable ids:
 *   const svc = await startService();  svc.clock.advance(60_000);  await svc.stop();
 */
import { T0 } from "../builders/planner.ts";
import { awsServiceDeps } from "../../lib/adapters/aws/service-deps.ts";
import { SqsJsonQueue, type PlanTriggerMessage } from "../../lib/adapters/aws/sqs-queue.ts";
import type { Actor } from "../../lib/service/actor.ts";
import { cancelJob } from "../../lib/service/cancel-job.ts";
import { createClient } from "../../lib/service/manage-clients.ts";
import { admitNode, type AdmitNodeInput } from "../../lib/service/register-agent.ts";
import { ephemeralTokenKeys, jwtNodeCredentials } from "../../lib/service/identity/node-credentials.ts";
import type { Clock, IdGenerator, ServiceDeps } from "../../lib/service/ports.ts";
import { startLocalAws, type LocalAws, type LocalAwsOptions } from "./local-aws.ts";

export class ManualClock implements Clock {
  constructor(public t: number = T0) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
  set(t: number): void { this.t = t; }
}

export function sequentialIds(): IdGenerator {
  let n = 0;
  return {
    id: (prefix) => `${prefix}-${String(++n).padStart(6, "0")}`,
    token: () => `tok-${String(++n).padStart(6, "0")}-${Math.random().toString(36).slice(2, 8)}`,
  };
}

export const operator: Actor = { kind: "operator", operatorId: "wrangler", requestId: "req-op" };
export const asClient = (clientId: string): Actor => ({ kind: "client", clientId, requestId: `req-${clientId}` });
export const asAgent = (nodeId: string): Actor => ({ kind: "agent", nodeId });
export const planner: Actor = { kind: "system", component: "planner" };

export interface ServiceFixture {
  aws: LocalAws;
  deps: ServiceDeps;
  clock: ManualClock;
  planTriggers: SqsJsonQueue<PlanTriggerMessage>;
  stop(): Promise<void>;
}

export async function startService(opts: LocalAwsOptions = {}): Promise<ServiceFixture> {
  const aws = await startLocalAws(opts);
  const clock = new ManualClock();
  const deps = awsServiceDeps({
    doc: aws.doc, tableName: aws.tableName, sqs: aws.sqs, planTriggerQueueUrl: aws.queueUrls.planTrigger, clock, ids: sequentialIds(),
    credentials: jwtNodeCredentials(ephemeralTokenKeys()),
  });
  return { aws, deps, clock, planTriggers: new SqsJsonQueue(aws.sqs, aws.queueUrls.planTrigger), stop: () => aws.stop() };
}

/** Every plan-trigger reason queued so far (FIFO: one in flight per group, so receive and delete in turn). */
export async function drainPlanTriggers(svc: ServiceFixture): Promise<string[]> {
  const reasons: string[] = [];
  for (;;) {
    const got = await svc.planTriggers.receive({ max: 10 });
    if (got.length === 0) return reasons;
    for (const m of got) { reasons.push(m.body.reason); await svc.planTriggers.delete(m.receiptHandle); }
  }
}

/** Cancel every open job, so a test starts with an idle farm. */
export async function cancelOpenJobs(deps: ServiceDeps): Promise<void> {
  for (const j of await deps.jobs.listActive()) await cancelJob(deps, { jobId: j.id }, operator);
}

export async function seedClient(deps: ServiceDeps, id: string, over: Partial<{ guaranteedShare: number; maxShare: number; cloudAllowed: boolean; cloudBudgetPerMonth: number }> = {}) {
  return createClient(deps, { id, name: `Studio ${id}`, guaranteedShare: 0.3, maxShare: 1, cloudAllowed: false, cloudBudgetPerMonth: 0, ...over }, operator);
}

/** A node as the farm admits it (farm facts included: pool, price, power), bypassing agent registration. */
export async function seedNode(deps: ServiceDeps, nodeId: string, over: Partial<AdmitNodeInput> = {}) {
  return admitNode(deps, {
    nodeId, hostname: `${nodeId}.farm.local`, pool: "onprem",
    capabilities: { vcpu: 32, memoryGiB: 128, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
    powerIdleW: 100, powerBusyW: 400, ...over,
  }, planner);
}

/** A small native job: `frames` frames of `secondsPerFrame`, due in `dueInH` hours (or none). */
export function nativeJob(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: "sh010 beauty", frames: "1-4", secondsPerFrame: 60, preview: { previewFirst: false }, ...over };
}

export const iso = (t: number) => new Date(t).toISOString();
