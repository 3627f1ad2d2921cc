/** Scenarios about deadlines: competing projects, a sudden change, clients in conflict, inversion. */
import { client } from "./farm.ts";
import { at, defineScenario } from "./define.ts";
import type { Scenario } from "../types.ts";

export function competingDeadlines(): Scenario {
  return defineScenario({
    name: "competing-deadlines",
    description: "Three projects with staggered deadlines whose priorities disagree with their urgency; C may not burst; at 06:00 a producer escalates B2 to priority 85.",
    hours: 30, realFrameTimes: true,
    clients: [client("A", 0.4, 1, true), client("B", 0.3, 1, true), client("C", 0.3, 1, false)],
    jobs: [
      ["A1", "A", "render-cpu", 240, 1800, 0, 8, 50, true],
      ["B1", "B", "render-cpu", 200, 1800, 0.5, 10, 60, true],
      ["C1", "C", "render-cpu", 160, 1800, 1, 14, 80, false],
      ["A2", "A", "render-gpu", 60, 2400, 1, 9, 50, true],
      ["B2", "B", "render-gpu", 50, 2400, 2, 16, 50, true],
      ["C2", "C", "sim", 40, 3600, 2, 12, 70, false],
      ["A3", "A", "render-cpu", 120, 1200, 3, 20, 50, true],
      ["B3", "B", "comp", 200, 300, 4, 18, 40, true],
      ["C3", "C", "render-cpu", 200, 1800, 5, 24, 90, false],
    ],
    events: [{ at: at(6), type: "priority", jobId: "B2", priority: 85 }],
  });
}

export function deadlineChange(): Scenario {
  return defineScenario({
    name: "deadline-change",
    description: "At 02:00 the client pulls D1's delivery from +20 h to +7 h; D1 was submitted last and has the lowest priority.",
    hours: 28,
    clients: [client("A", 0.5, 1, true), client("B", 0.5, 1, true)],
    jobs: [
      ["D2", "B", "render-cpu", 200, 1800, 0, 16, 60, true],
      ["D3", "B", "render-gpu", 60, 2400, 0, 12, 60, true],
      ["D1", "A", "render-cpu", 300, 1200, 0.5, 20, 50, true],
    ],
    events: [{ at: at(2), type: "deadline", jobId: "D1", deadlineAt: at(7) }],
  });
}

export function clientConflict(): Scenario {
  return defineScenario({
    name: "client-conflict",
    description: "Three clients with guarantees 50/30/20% all due at +10 h, demand 1.3× the farm; only A may burst.",
    hours: 24,
    clients: [client("A", 0.5, 0.8, true, 300), client("B", 0.3, 0.6, false), client("C", 0.2, 0.5, false)],
    jobs: [
      ["A1", "A", "render-cpu", 300, 1800, 0, 10, 50, true],
      ["A2", "A", "render-cpu", 100, 1800, 0.5, 10, 50, true],
      ["B1", "B", "render-cpu", 240, 1800, 0, 10, 70, false],
      ["C1", "C", "render-cpu", 100, 1800, 0.25, 10, 90, false],
      ["C2", "C", "comp", 120, 600, 1, 10, 50, false],
    ],
  });
}

export function priorityInversion(): Scenario {
  return defineScenario({
    name: "priority-inversion",
    description: "A priority-90 final (F1, due +10 h) depends on a priority-20 sim cache (P1) while priority-60 work floods the farm.",
    hours: 30,
    clients: [client("A", 0.5, 1, true), client("B", 0.5, 1, true)],
    jobs: [
      ["P1", "A", "sim", 40, 3600, 0, null, 20, false],
      ["F1", "A", "render-cpu", 120, 1200, 0, 10, 90, true, { dependsOn: ["P1"] }],
      ["M1", "B", "render-cpu", 300, 1800, 0.1, 24, 60, true],
      ["M2", "B", "sim", 60, 3600, 0.2, 24, 60, true],
      ["M3", "B", "render-cpu", 200, 1800, 0.3, 26, 60, true],
    ],
  });
}
