import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { FarmSummary } from "./views.ts";

/** Operator only: utilization, costs today, deadlines at risk. */
export async function farmSummary(deps: ServiceDeps, actor: Actor): Promise<FarmSummary> {
  void deps; void actor;
  throw new Error("farmSummary: not implemented yet");
}
