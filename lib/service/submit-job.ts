/**
 * Submit a job: the native JSON form or an OpenJD template with parameter values.
 * Idempotent with a key: the job id is derived from (client, key), so a retry — even one racing
 * the first attempt — lands on the same single conditional put and gets the same job back.
 * The job is one item, written once: never half-written.
 */
import { createHash } from "node:crypto";
import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { buildJob, resolveClientId } from "./build-job.ts";
import { ConflictError, ValidationError } from "./errors.ts";
import { parseJobSpec, parseWith } from "./job-spec.ts";
import { jobView } from "./job-view.ts";
import type { JobRecord } from "./model.ts";
import { nativeDraft } from "./native-job.ts";
import { openJdDraft, openJdSubmissionSchema } from "./openjd-job.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";
import { assertStorableNumbers } from "./storable.ts";

export interface SubmitJobInput {
  /** The native job form (job-spec.ts) or `{ template, parameters, ...scheduling fields }` (openjd-job.ts). */
  body: unknown;
  /** Retries with the same key and body return the same job; another body is a ConflictError. */
  idempotencyKey?: string;
}

const keyPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

export async function submitJob(deps: ServiceDeps, input: SubmitJobInput, actor: Actor): Promise<{ job: JobView; created: boolean }> {
  const body = input.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new ValidationError("", "expected a JSON object");
  const key = input.idempotencyKey;
  if (key !== undefined && !keyPattern.test(key)) throw new ValidationError("idempotencyKey", "1-128 characters of A-Z a-z 0-9 _ . : -");
  assertStorableNumbers(body);
  const parsed = "template" in body ? parseWith(openJdSubmissionSchema, body) : parseJobSpec(body);
  const draft = "template" in parsed ? openJdDraft(parsed) : nativeDraft(parsed);
  const clientId = resolveClientId(actor, draft.client);
  // The same job, however it is spelled: defaults filled in, the client made explicit, keys sorted.
  // (`priority: 50` and no priority are one request; a retry of either replays the job.)
  const requestHash = sha256(stableJson({ ...parsed, client: clientId }));
  const jobId = key ? `job-${sha256(`${clientId}\n${key}`).slice(0, 24)}` : deps.ids.id("job");
  if (key) {
    const existing = await deps.jobs.get(jobId);
    if (existing) return replay(existing, requestHash);
  }
  const job = await buildJob(deps, draft, actor, { jobId, idempotencyKey: key ?? null, requestHash });
  // What agents will run goes first: a job never exists without it.
  if (!(await deps.runSpecs.put({ jobId, ...draft.runSpec }, requestHash))) {
    throw new ConflictError(`idempotency key was already used for job ${jobId} with a different body`);
  }
  try {
    await deps.jobs.create(job);
  } catch (err) {
    if (err instanceof ConflictError && key && err.existing) return replay(err.existing as JobRecord, requestHash);
    throw err;
  }
  await audit(deps, actor, { clientId, action: "job.submit", target: { type: "job", id: jobId }, after: { ...jobAuditFields(job), name: job.name, tasks: job.steps.reduce((n, s) => n + s.taskCount, 0) } });
  await deps.trigger.requestPlan(`job ${jobId} submitted`, deps.clock.now());
  return { job: jobView(job), created: true };
}

function replay(existing: JobRecord, requestHash: string): { job: JobView; created: boolean } {
  if (existing.requestHash !== requestHash) {
    throw new ConflictError(`idempotency key was already used for job ${existing.id} with a different body`, jobView(existing));
  }
  return { job: jobView(existing), created: false };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with sorted keys, so the same body hashes the same whatever its key order. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}
