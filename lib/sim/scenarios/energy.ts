/** Off-hours energy optimisation on hourly day-ahead prices (CAISO, July 2024). */
import { client, marketTariff, START } from "./farm.ts";
import { at, defineScenario } from "./define.ts";
import type { Scenario } from "../types.ts";

export function offHoursEnergy(): Scenario {
  const hours = 48;
  return defineScenario({
    name: "off-hours-energy",
    description: "Energy-intensive renders submitted in the working day, due next morning (+24 h); about a third of the farm's capacity; CAISO hourly prices; no cloud.",
    hours, tariff: marketTariff(START, at(hours)), cloud: false,
    clients: [client("A", 0.5, 1, false), client("B", 0.5, 1, false)],
    jobs: [
      ["E1", "A", "render-cpu", 120, 1800, 8, 32, 50, false],
      ["E2", "B", "render-cpu", 100, 1800, 9, 33, 50, false],
      ["E3", "A", "render-gpu", 40, 3600, 10, 34, 50, false],
      ["E4", "B", "sim", 24, 3600, 11, 35, 50, false],
      ["E5", "A", "comp", 100, 600, 12, 30, 50, false, { energy: false }],
    ],
  });
}
