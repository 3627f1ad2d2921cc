import type { Actor } from "./actor.ts";
import type { AuditQuery, Page, ServiceDeps } from "./ports.ts";
import type { AuditEvent } from "./model.ts";

/** Operators query everything; a client only its own events (clientId forced to theirs). */
export async function queryAudit(deps: ServiceDeps, input: Partial<AuditQuery>, actor: Actor): Promise<Page<AuditEvent>> {
  void deps; void input; void actor;
  throw new Error("queryAudit: not implemented yet");
}
