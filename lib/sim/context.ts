/** What the engine's parts share during one run. */
import type { JobOutcome, Policy } from "../planner/index.ts";
import type { EventHeap } from "./event-heap.ts";
import type { Meter } from "./meter.ts";
import type { SimState } from "./state.ts";
import type { AttemptRecord, PlanFn, Scenario, SimEvent, SimOptions } from "./types.ts";

export type SimEv =
  | { at: number; rank: 0; type: "submit"; jobId: string }
  | { at: number; rank: 0; type: "attempt-end"; nodeId: string; attemptId: number }
  | { at: number; rank: 0; type: "node-ready"; nodeId: string; epoch: number }
  | { at: number; rank: 0; type: "crash"; nodeId: string; downSec: number }
  | { at: number; rank: 0; type: "spot-notice"; nodeId: string; epoch: number }
  | { at: number; rank: 0; type: "spot-kill"; nodeId: string; epoch: number }
  | { at: number; rank: 0; type: "edit"; edit: SimEvent }
  | { at: number; rank: 1; type: "plan"; tick: boolean };

export interface Ctx {
  sc: Scenario;
  st: SimState;
  planFn: PlanFn;
  policy: Policy;
  opts: SimOptions;
  heap: EventHeap<SimEv>;
  meter: Meter;
  /** Outcome per job from the latest plan (for work-conservation accounting). */
  outcomes: Map<string, JobOutcome>;
  warnings: string[];
  attempts?: AttemptRecord[];
  /** Ask for a coalesced plan soon (submission, completion, failure, edit). */
  requestPlan(): void;
}
