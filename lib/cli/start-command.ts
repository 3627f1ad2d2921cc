/**
 * `npm start` — plans the bundled sample farm once and prints every decision with its reason.
 * Honest scope: this is the planner on embedded sample data; the local farm (queues, agents,
 * simulated renderer) arrives with the local-mode issue.
 *   --at ISO    plan at this instant (default 2026-11-24T00:00:00Z: 16:00 in Los Angeles, on-peak)
 *   --json      print the plan as JSON
 */
import { defaultPolicy, plan } from "../planner/index.ts";
import { sampleFarm } from "../local/sample-farm.ts";
import { formatPlan } from "./print-plan.ts";

export const DEFAULT_AT = "2026-11-24T00:00:00Z";

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
    } else { process.stderr.write(`start: unknown option ${a} (use --at ISO, --json)\n`); return 2; }
  }
  const snapshot = sampleFarm(at);
  const result = plan(snapshot, defaultPolicy, at);
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else {
    process.stdout.write("burstfarm — planning the bundled sample farm (3 clients, 40 nodes, SCE TOU-8 tariff, us-west-2 spot offers)\n\n");
    process.stdout.write(formatPlan(result, snapshot));
    process.stdout.write("\nNext: `npm run sim -- --list` to compare policies over time; `npm test` to run the suite.\n");
  }
  return 0;
}
