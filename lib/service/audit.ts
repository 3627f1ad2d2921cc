import { actorLabel, type Actor } from "./actor.ts";
import type { AuditEvent } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";

/** Append one audit event for a command or state change. */
export async function audit(
  deps: ServiceDeps, actor: Actor,
  e: { clientId: string | null; action: string; target: AuditEvent["target"]; before?: unknown; after?: unknown },
): Promise<void> {
  await deps.audit.append({
    id: deps.ids.id("evt"), at: deps.clock.now(), actor: actorLabel(actor), actorKind: actor.kind,
    clientId: e.clientId, action: e.action, target: e.target,
    ...(e.before !== undefined ? { before: e.before } : {}),
    ...(e.after !== undefined ? { after: e.after } : {}),
    requestId: actor.requestId ?? null,
  });
}

/** The scheduling fields worth showing in an audit diff (not the task aggregates). */
export function jobAuditFields(j: { status: string; priority: number; deadlineAt: number | null; suspended: boolean; preview: { approval: string } }) {
  return { status: j.status, priority: j.priority, deadlineAt: j.deadlineAt, suspended: j.suspended, approval: j.preview.approval };
}
