/**
 * Reading what the agent protocol stores beside a job: an agent fetches the run spec of a job
 * it has been handed (and only such a job), and a client or operator reads a task's log.
 *
 * Output store layout (agents write, the API reads):
 *   jobs/<jobId>/<stepName>/<file>               outputs and previews
 *   jobs/<jobId>/logs/<stepName>/<taskIndex>.log the latest attempt's full log
 */
import { assertAgent, assertCanSeeClient, type Actor } from "./actor.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobRunSpec } from "./run-spec.ts";
import { parseTaskRef } from "./settle-task.ts";

export const outputPrefix = (jobId: string, stepName: string): string => `jobs/${jobId}/${stepName}/`;
export const taskLogKey = (jobId: string, stepName: string, taskIndex: number): string => `jobs/${jobId}/logs/${stepName}/${taskIndex}.log`;

/** The log route returns at most the last this many bytes. */
export const maxLogBytes = 1024 * 1024;

export async function getRunSpec(deps: ServiceDeps, input: { nodeId: string; jobId: string }, actor: Actor): Promise<JobRunSpec> {
  assertAgent(actor, input.nodeId);
  const node = await deps.nodes.get(input.nodeId);
  if (!node) throw new NotFoundError("node", input.nodeId);
  // A node learns about a job only once the planner has given it a task of that job.
  const handed = node.inbox.some((e) => e.jobId === input.jobId) || node.holding.some((h) => parseTaskRef(h.taskId).jobId === input.jobId);
  if (!handed) throw new ForbiddenError(`node ${input.nodeId} holds no task of job ${input.jobId}`);
  const spec = await deps.runSpecs.get(input.jobId);
  if (!spec) throw new NotFoundError("run spec", input.jobId);
  return spec;
}

export async function readTaskLog(deps: ServiceDeps, input: { jobId: string; taskId: string }, actor: Actor): Promise<{ taskId: string; log: string; truncated: boolean }> {
  const ref = parseTaskRef(input.taskId);
  if (ref.jobId !== input.jobId) throw new NotFoundError("task", input.taskId);
  const job = await deps.jobs.get(input.jobId);
  if (!job) throw new NotFoundError("job", input.jobId);
  assertCanSeeClient(actor, job.clientId);
  const bytes = await deps.outputs?.get(taskLogKey(ref.jobId, ref.stepName, ref.taskIndex));
  if (!bytes) throw new NotFoundError("task log", input.taskId);
  const truncated = bytes.length > maxLogBytes;
  const text = Buffer.from(truncated ? bytes.subarray(bytes.length - maxLogBytes) : bytes).toString("utf8");
  return { taskId: input.taskId, log: text, truncated };
}
