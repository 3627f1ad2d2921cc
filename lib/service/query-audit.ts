import type { Actor } from "./actor.ts";
import { assertCanSeeClient, assertOperator } from "./actor.ts";
import { ValidationError } from "./errors.ts";
import { loadJobFor } from "./load-job.ts";
import type { AuditEvent } from "./model.ts";
import type { AuditQuery, Page, ServiceDeps } from "./ports.ts";

/** Operators query everything; a client only its own events (its id is forced as the filter). */
export async function queryAudit(deps: ServiceDeps, input: Partial<AuditQuery>, actor: Actor): Promise<Page<AuditEvent>> {
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError("limit", "must be an integer from 1 to 500");
  for (const f of ["from", "to"] as const) {
    const v = input[f];
    if (v !== undefined && !Number.isFinite(v)) throw new ValidationError(f, "must be a time (epoch ms)");
  }
  if (input.from !== undefined && input.to !== undefined && input.to < input.from) throw new ValidationError("to", "is before from");
  let clientId = input.clientId;
  if (actor.kind === "client") {
    clientId = clientId ?? actor.clientId;
    assertCanSeeClient(actor, clientId);
  } else if (actor.kind !== "operator") {
    assertOperator(actor, "reading the audit log");
  }
  if (input.jobId) await loadJobFor(deps, input.jobId, actor);
  // No event is older than the epoch or newer than now: clamping bounds every walk the store makes.
  const now = deps.clock.now();
  const to = Math.min(input.to ?? now, now);
  const from = input.from === undefined ? undefined : Math.max(0, input.from);
  if (to < 0 || (from !== undefined && from > to)) return { items: [] };
  return deps.audit.query({
    limit, ...(input.jobId ? { jobId: input.jobId } : {}), ...(clientId ? { clientId } : {}),
    ...(from !== undefined ? { from } : {}), to,
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
}
