import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";

/** Ask for a planning cycle soon (coalesced SQS trigger). */
export async function requestPlan(deps: ServiceDeps, input: { reason: string }, actor: Actor): Promise<void> {
  void actor;
  await deps.trigger.requestPlan(input.reason, deps.clock.now());
}
