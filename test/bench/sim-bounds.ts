/**
 * Bench rows for the simulator's LP bounds (lib/sim/bounds, HiGHS): one computeBounds per
 * bundled scenario named here (miss MIP/LP, cloud under guarantees) plus the energy LP with no
 * cloud, with and without guarantees kept (owed-work rows), timed once each (they run once per
 * scenario in `npm run sim`).
 */
import { performance } from "node:perf_hooks";
import { buildScenario, computeBounds } from "../../lib/sim/index.ts";

export async function simBoundsRows(names = ["peak-exhaustion", "trace-replay"]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const name of names) {
    const sc = await buildScenario(name);
    const t0 = performance.now();
    const b = computeBounds(sc);
    const t1 = performance.now();
    const energy = b.energyFor(0);
    const t2 = performance.now();
    const energyG = b.energyFor(0, undefined, true);
    const t3 = performance.now();
    rows.push({
      bench: "sim.bounds", scenario: name, jobs: sc.jobs.length, iterations: 1, p50_ms: Math.round(t1 - t0), energy_ms: Math.round(t2 - t1), energy_g_ms: Math.round(t3 - t2),
      miss_lb: b.missLowerBound, cloud_lb_guarantees: Math.round(b.cloudCostGuarantees * 100) / 100, energy_lb: Math.round(energy * 100) / 100, energy_lb_g: Math.round(energyG * 100) / 100,
    });
  }
  return rows;
}
