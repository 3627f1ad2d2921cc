/**
 * Off-hours energy optimisation on the retail TOU tariff a studio pays (SCE TOU-8: 16:00–21:00
 * local costs 0.152/kWh against 0.113 otherwise, in summer).
 */
import { client } from "./farm.ts";
import { defineScenario } from "./define.ts";
import type { Scenario } from "../types.ts";

export function offHoursEnergy(): Scenario {
  const hours = 48;
  return defineScenario({
    name: "off-hours-energy",
    description: "Energy-intensive renders submitted in the afternoon as artists leave (14:00–17:00 local), due 09:00 next morning; about a third of the farm's capacity; SCE TOU-8 peak 16:00–21:00; no cloud.",
    hours, cloud: false,
    clients: [client("A", 0.5, 1, false), client("B", 0.5, 1, false)],
    jobs: [
      ["E1", "A", "render-cpu", 120, 1800, 14, 33, 50, false],
      ["E2", "B", "render-cpu", 100, 1800, 15, 33, 50, false],
      ["E3", "A", "render-gpu", 40, 3600, 16, 33, 50, false],
      ["E4", "B", "sim", 24, 3600, 16.5, 33, 50, false],
      ["E5", "A", "comp", 100, 600, 17, 33, 50, false, { energy: false }],
    ],
  });
}
