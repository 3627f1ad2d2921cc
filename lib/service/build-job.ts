/**
 * A validated draft → a new JobRecord. Checks that need the store (client exists, dependencies
 * exist and belong to the same client) and the clock (deadline in the future) live here; the
 * shape was already checked by the form's schema.
 */
import { assertCanSeeClient, type Actor } from "./actor.ts";
import { ForbiddenError, ValidationError } from "./errors.ts";
import type { JobPreview, JobRecord, StepRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobRunSpec } from "./run-spec.ts";
import { fullRange } from "./ranges.ts";
import { checkStepGraph } from "./step-graph.ts";
import { assertStorableNumbers } from "./storable.ts";

export type StepDraft = Omit<StepRecord, "pending" | "leases" | "done" | "exhausted" | "failedAttempts">;

export interface JobDraft {
  client: string | undefined;
  name: string;
  priority: number;
  deadline: string | null;
  steps: StepDraft[];
  dependsOn: string[];
  energyIntensive: boolean;
  preview: JobPreview;
  cloudAllowed: boolean;
  source: JobRecord["source"];
  /** What agents run (stored beside the job, see run-spec.ts). */
  runSpec: Omit<JobRunSpec, "jobId">;
}

/** Job records must stay well inside DynamoDB's 400 KB item limit (UTF-8 bytes), aggregates included. */
const maxDraftBytes = 200_000;

export function resolveClientId(actor: Actor, client: string | undefined): string {
  if (actor.kind === "client") {
    if (client !== undefined && client !== actor.clientId) {
      throw new ForbiddenError(`client ${actor.clientId} may not submit jobs for client ${client}`);
    }
    return actor.clientId;
  }
  if (actor.kind === "agent") throw new ForbiddenError("agents may not submit jobs");
  if (!client) throw new ValidationError("client", "required when an operator submits");
  return client;
}

export async function buildJob(
  deps: ServiceDeps, draft: JobDraft, actor: Actor,
  ids: { jobId: string; idempotencyKey: string | null; requestHash: string },
): Promise<JobRecord> {
  const clientId = resolveClientId(actor, draft.client);
  assertCanSeeClient(actor, clientId);
  if (!(await deps.clients.get(clientId))) throw new ValidationError("client", `unknown client "${clientId}"`);
  const now = deps.clock.now();
  let deadlineAt: number | null = null;
  if (draft.deadline !== null) {
    deadlineAt = Date.parse(draft.deadline);
    if (!Number.isFinite(deadlineAt)) throw new ValidationError("deadline", "is not a valid date-time");
    if (deadlineAt <= now) throw new ValidationError("deadline", `${draft.deadline} is in the past`);
  }
  for (const [i, depId] of draft.dependsOn.entries()) {
    const dep = await deps.jobs.get(depId);
    if (!dep || dep.clientId !== clientId) throw new ValidationError(`dependsOn[${i}]`, `no job "${depId}" for client ${clientId}`);
  }
  checkStepGraph(draft.steps);
  // DynamoDB counts UTF-8 bytes (a CJK character is 3), not UTF-16 characters.
  const bytes = Buffer.byteLength(JSON.stringify(draft));
  if (bytes > maxDraftBytes) {
    throw new ValidationError("steps", `job description is ${bytes} bytes (UTF-8), more than the ${maxDraftBytes} that can be stored; split it into several jobs`);
  }
  const job: JobRecord = {
    id: ids.jobId, clientId, name: draft.name, priority: draft.priority, submittedAt: now, deadlineAt,
    status: "queued",
    steps: draft.steps.map((s) => ({ ...s, pending: fullRange(s.taskCount), leases: [], done: [], exhausted: [], failedAttempts: {} })),
    dependsOn: [...new Set(draft.dependsOn)], energyIntensive: draft.energyIntensive, preview: draft.preview,
    errorCount: 0, cloudAllowed: draft.cloudAllowed, suspended: false, source: draft.source,
    idempotencyKey: ids.idempotencyKey, requestHash: ids.requestHash, finishedAt: null, recentlySettled: [], version: 1,
  };
  // The last check before the first write: every number in the record is one DynamoDB stores
  // (a NaN task count, say, must be refused here, not fail the audit write after the job exists).
  assertStorableNumbers(job);
  for (const [i, s] of job.steps.entries()) {
    if (!Number.isSafeInteger(s.taskCount) || s.taskCount < 1) throw new ValidationError(`steps[${i}]`, `has ${s.taskCount} tasks; a step needs at least one`);
  }
  return job;
}
