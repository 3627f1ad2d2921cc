/** The bundled scenarios by name (all built in code from data/, no ../shared needed). */
import type { Scenario } from "../types.ts";
import { deliveryBurst, hardwareFailure, kindMix, mixedShortLong, peakExhaustion } from "./capacity.ts";
import { clientConflict, competingDeadlines, deadlineChange, priorityInversion } from "./deadlines.ts";
import { offHoursEnergy } from "./energy.ts";
import { traceReplay } from "./trace.ts";

export interface ScenarioEntry {
  name: string;
  summary: string;
  build: () => Scenario | Promise<Scenario>;
}

export const SCENARIOS: ScenarioEntry[] = [
  { name: "competing-deadlines", summary: "multiple projects with competing deadlines", build: competingDeadlines },
  { name: "deadline-change", summary: "sudden deadline change mid-run", build: deadlineChange },
  { name: "hardware-failure", summary: "GPU nodes fail during a critical render", build: hardwareFailure },
  { name: "mixed-short-long", summary: "short jobs arriving while long renders hold the farm", build: mixedShortLong },
  { name: "off-hours-energy", summary: "energy-intensive work with overnight slack on hourly prices", build: offHoursEnergy },
  { name: "peak-exhaustion", summary: "resource exhaustion at peak demand", build: peakExhaustion },
  { name: "client-conflict", summary: "deadline conflicts between clients with guarantees", build: clientConflict },
  { name: "priority-inversion", summary: "urgent job blocked behind a low-priority dependency", build: priorityInversion },
  { name: "delivery-burst", summary: "farm full before a delivery: only bursting saves it", build: deliveryBurst },
  { name: "kind-mix", summary: "mixed kinds released at once: specialization vs kind-blind throughput", build: kindMix },
  { name: "trace-replay", summary: "replay of the LCG SWF trace with Deadline Cloud frame times", build: () => traceReplay() },
];

export async function buildScenario(name: string): Promise<Scenario> {
  const e = SCENARIOS.find((s) => s.name === name);
  if (!e) throw new Error(`scenario: unknown "${name}" (have ${SCENARIOS.map((s) => s.name).join(", ")})`);
  return e.build();
}
