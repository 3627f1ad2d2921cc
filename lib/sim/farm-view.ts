/**
 * What the meter and its accounting read of a running simulation: the state, the latest plan's
 * outcome per job and the scenario's timing and tariff. The engine's Ctx is one; keeping this
 * small type apart lets meter, guarantees and runnable depend on it alone (no import circle
 * back through the engine context).
 */
import type { JobOutcome } from "../planner/index.ts";
import type { SimState } from "./state.ts";
import type { Scenario } from "./types.ts";

export interface FarmView {
  st: SimState;
  /** Outcome per job from the latest plan. */
  outcomes: Map<string, JobOutcome>;
  sc: Pick<Scenario, "planIntervalSec" | "replanDelaySec" | "tariff">;
}
