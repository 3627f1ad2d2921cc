/**
 * `burstfarm plan-sample` — plans the bundled sample farm once and prints every decision with
 * its reason: the planner alone, on embedded data, at one instant (the local farm is `start`).
 *   --at ISO    plan at this instant: the sample's jobs, deadlines and running frames stay where
 *               they were built (2026-11-24T00:00:00Z, 16:00 in Los Angeles, on-peak), so a later
 *               instant sees less slack, progress the sample did not make, and other tariff hours
 *   --json      print the plan as JSON
 */
import { defaultPolicy, plan } from "../planner/index.ts";
import { sampleFarm } from "../local/sample-farm.ts";
import { formatPlan } from "./print-plan.ts";

export const DEFAULT_AT = "2026-11-24T00:00:00Z";

export function planSample(at: number = Date.parse(DEFAULT_AT)) {
  const snapshot = sampleFarm(Date.parse(DEFAULT_AT));
  return { snapshot, plan: plan(snapshot, defaultPolicy, at) };
}

export async function run(argv: string[]): Promise<number> {
  let at = Date.parse(DEFAULT_AT);
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--at") {
      const v = argv[++i];
      const t = v === undefined ? NaN : Date.parse(v);
      if (Number.isNaN(t)) { process.stderr.write(`--at: "${v ?? ""}" is not an ISO date-time\n`); return 2; }
      at = t;
    } else { process.stderr.write(`plan-sample: unknown option ${a} (use --at ISO, --json)\n`); return 2; }
  }
  const result = planSample(at);
  if (json) process.stdout.write(JSON.stringify(result.plan, null, 2) + "\n");
  else {
    process.stdout.write("burstfarm — planning the bundled sample farm (3 clients, 40 nodes, SCE TOU-8 tariff, us-west-2 spot offers)\n\n");
    process.stdout.write(formatPlan(result.plan, result.snapshot));
  }
  return 0;
}
