/** Scenarios about capacity: failures, exhaustion, a delivery only bursting saves, short vs long. */
import { client, marketTariff, START } from "./farm.ts";
import { at, defineScenario, type JobRow } from "./define.ts";
import type { Scenario } from "../types.ts";

export function hardwareFailure(): Scenario {
  return defineScenario({
    name: "hardware-failure",
    description: "Three of six GPU nodes fail for 8 h at 03:00 during a critical GPU render due at +14 h; random crashes and frame errors too.",
    hours: 30,
    clients: [client("A", 0.5, 1, true), client("B", 0.5, 1, true)],
    faults: { frameErrorRate: 0.02, corruptOutputRate: 0.01, nodeCrashPerHour: 0.01, crashDownSec: 2 * 3600 },
    jobs: [
      ["G1", "A", "render-gpu", 120, 1800, 0, 14, 80, true],
      ["R1", "B", "render-cpu", 300, 1800, 0, 22, 50, true],
      ["S1", "B", "sim", 40, 3600, 1, 20, 50, true],
    ],
    events: ["gpu-01", "gpu-02", "gpu-03"].map((nodeId) => ({ at: at(3), type: "crash" as const, nodeId, downSec: 8 * 3600 })),
  });
}

export function peakExhaustion(): Scenario {
  const jobs: JobRow[] = [];
  const kinds = ["render-cpu", "render-cpu", "render-gpu", "sim", "comp"] as const;
  for (let i = 0; i < 30; i++) {
    const kind = kinds[i % kinds.length]!;
    const c = ["A", "B", "C"][i % 3]!;
    const taskSec = kind === "comp" ? 600 : kind === "sim" ? 3600 : 1800;
    const tasks = kind === "sim" ? 12 : kind === "render-gpu" ? 30 : 60;
    jobs.push([`J${String(i + 1).padStart(2, "0")}`, c, kind, tasks, taskSec, 0.05 * i, 6 + (i % 7), 50, c !== "C"]);
  }
  return defineScenario({
    name: "peak-exhaustion",
    description: "Thirty jobs in 90 minutes (Friday rush), twice the farm's capacity before their 6–12 h deadlines; A and B may burst, C may not.",
    hours: 24, clients: [client("A", 0.34, 1, true, 400), client("B", 0.33, 1, true, 200), client("C", 0.33, 1, false)], jobs,
  });
}

export function deliveryBurst(): Scenario {
  return defineScenario({
    name: "delivery-burst",
    description: "The farm is full of a long best-effort backlog when a 150 node-hour delivery due 5 h later arrives: only bursting can make it.",
    hours: 30,
    clients: [client("A", 0.5, 1, true, 1000), client("B", 0.5, 1, false)],
    jobs: [
      ["BK", "B", "render-cpu", 600, 3600, 0, null, 50, false],
      ["BK2", "B", "render-gpu", 100, 3600, 0, null, 50, false],
      ["DL", "A", "render-cpu", 300, 1800, 1, 6, 50, true],
    ],
  });
}

export function mixedShortLong(): Scenario {
  const jobs: JobRow[] = [
    ["L1", "A", "render-cpu", 200, 2400, 0, 30, 50, false],
    ["L2", "A", "render-cpu", 200, 2400, 0, 32, 50, false],
    ["L3", "B", "render-gpu", 60, 3600, 0, 30, 50, false],
    ["L4", "B", "sim", 30, 7200, 0, 34, 50, false],
  ];
  for (let i = 0; i < 30; i++) {
    const submit = 0.5 + i / 3;
    jobs.push([`S${String(i + 1).padStart(2, "0")}`, i % 2 ? "A" : "B", i % 5 === 4 ? "render-gpu" : "comp", 10 + (i % 3) * 5, 120 + (i % 4) * 60, submit, submit + 2, 50, false]);
  }
  return defineScenario({
    name: "mixed-short-long",
    description: "Four long renders hold the farm while thirty short comp/GPU jobs (due 2 h after submission) arrive every 20 minutes; local only.",
    hours: 40, clients: [client("A", 0.5, 1, false), client("B", 0.5, 1, false)], jobs, cloud: false,
  });
}


export function kindMix(): Scenario {
  return defineScenario({
    name: "kind-mix",
    description: "A saturating mix released at once (CPU renders, GPU renders, simulations) with distant deadlines: measures what knowing each node's speed per kind is worth. CAISO day-ahead prices.",
    hours: 48, cloud: false, tariff: marketTariff(START, at(48)),
    clients: [client("A", 0.5, 1, false), client("B", 0.5, 1, false)],
    jobs: [
      ["K1", "A", "sim", 60, 3600, 0, 40, 50, false],
      ["K2", "B", "render-gpu", 120, 1800, 0, 40, 50, false],
      ["K3", "A", "render-cpu", 250, 1800, 0, 40, 50, false],
      ["K4", "B", "render-cpu", 150, 1800, 0, 40, 50, false],
      ["K5", "B", "sim", 30, 3600, 0, 40, 50, false],
    ],
  });
}
