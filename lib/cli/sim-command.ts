/**
 * `burstfarm sim` — run the farm simulator.
 *
 *   --list                                  scenarios, one per line, name first
 *   --scenario NAME|all [--json]            one JSON object per policy (JSON lines), else a table
 *   --scenario NAME --report out.html       self-contained HTML report with charts
 *   --trace PATH.swf[.gz] [--jobs N]        replay the first N jobs (default 300) of an SWF trace on the
 *                                           default farm (same rows); --limit N is the same
 *   --report FILE.html                      self-contained HTML report (its folder must exist)
 *   --export-instance FILE.json             with --scenario or --trace: the bounds instance
 *   --policies a,b,…                        subset of burstfarm, burstfarm-no-tariff, fifo,
 *                                           priority, edf, opencue, weighted, queue-depth,
 *                                           edf-autoscale
 *   --seed N                                override the scenario's seed
 *   --no-specialization                     skip the kind-blind planner run
 *   --targets                               after the rows, the performance targets per scenario (met or short)
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  POLICY_NAMES, SCENARIOS, buildScenario, policyByName, renderReport, runScenario, scenarioInstance, traceFromFile,
  type MetricsRow, type Scenario,
} from "../sim/index.ts";
import { DEFAULT_TRACE_JOBS } from "../sim/scenarios/trace.ts";
import { formatTargets, targetRows } from "../sim/targets.ts";

interface Args { [k: string]: string | boolean | undefined }

const FLAGS = new Set(["--list", "--json", "--no-specialization", "--targets", "--help"]);
const VALUES = new Set(["--scenario", "--report", "--trace", "--export-instance", "--policies", "--seed", "--limit", "--jobs"]);

export function parseArgs(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (FLAGS.has(a)) out[a.slice(2)] = true;
    else if (VALUES.has(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a}: needs a value`);
      out[a.slice(2)] = v;
    } else {
      const near = closest(a, [...FLAGS, ...VALUES]);
      throw new Error(`unknown option "${a}"${near ? ` (did you mean ${near}?)` : ""} (try --help)`);
    }
  }
  return out;
}

function table(rows: MetricsRow[]): string {
  const cols: [string, (r: MetricsRow) => string][] = [
    ["scenario", (r) => r.scenario], ["policy", (r) => r.policy], ["miss", (r) => String(r.misses)], ["avoid", (r) => String(r.avoidable_misses)],
    ["util", (r) => r.utilization.toFixed(2)], ["energy$", (r) => r.energy_cost.toFixed(2)], ["lb", (r) => r.energy_cost_lb.toFixed(2)],
    ["cloud$", (r) => r.cloud_cost.toFixed(2)], ["lb", (r) => r.cloud_cost_lb.toFixed(2)], ["lb-g", (r) => r.cloud_cost_lb_guarantees.toFixed(2)], ["prev%", (r) => (r.preview_latency_pct ?? 0).toFixed(1)], ["ff-min", (r) => (r.first_frame_min ?? 0).toFixed(0)],
    ["guar-min", (r) => r.guarantee_violation_min.toFixed(1)], ["spec%", (r) => (r.specialization_gain_pct == null ? "" : r.specialization_gain_pct.toFixed(1))],
  ];
  const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map((c) => c[1](r)))];
  const w = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ")).join("\n") + "\n";
}

/** The known option nearest to a mistyped one (edit distance ≤ 3), for the error message. */
function closest(word: string, options: string[]): string | undefined {
  const d = (x: string, y: string) => {
    const row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= y.length; j++) { const t = row[j]!; row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (x[i - 1] === y[j - 1] ? 0 : 1)); prev = t; }
    }
    return row[y.length]!;
  };
  const best = options.map((o) => [o, d(word, o)] as const).sort((p, q) => p[1] - q[1])[0];
  return best && best[1] <= 3 ? best[0] : undefined;
}

async function scenarios(a: Args): Promise<Scenario[]> {
  const jobsFlag = a.jobs ?? a.limit;
  const limit = jobsFlag === undefined ? undefined : Number(jobsFlag);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`--jobs: must be a positive integer, got "${jobsFlag}"`);
  let list: Scenario[];
  if (typeof a.trace === "string") {
    list = [await traceFromFile(a.trace, limit)];
    if (limit === undefined) process.stderr.write(`sim: replaying the first ${DEFAULT_TRACE_JOBS} jobs of ${a.trace} (--jobs N for more)\n`);
  }
  else if (a.scenario === "all") list = await Promise.all(SCENARIOS.map((s) => s.build()));
  else if (typeof a.scenario === "string") list = [await buildScenario(a.scenario)];
  else throw new Error("give --list, --scenario NAME or --trace PATH (try --help)");
  if (a.seed !== undefined) {
    const seed = Number(a.seed);
    if (!Number.isInteger(seed)) throw new Error(`--seed: must be an integer, got "${a.seed}"`);
    list = list.map((s) => ({ ...s, seed }));
  }
  return list;
}

export async function run(argv: string[]): Promise<number> {
  let a: Args;
  try { a = parseArgs(argv); } catch (e) { process.stderr.write(`burstfarm sim: ${(e as Error).message}\n`); return 2; }
  if (a.help) { process.stdout.write((await import("node:fs")).readFileSync(new URL(import.meta.url), "utf8").split("*/")[0]!.replace(/^\/\*\*?|^ \* ?/gm, "") + "\n"); return 0; }
  if (a.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name}\t${s.summary}\n`);
    return 0;
  }
  try {
    // Fail before a long run, not after it: the report's folder must exist.
    if (typeof a.report === "string" && !existsSync(dirname(resolve(a.report)))) throw new Error(`--report: folder ${dirname(resolve(a.report))} does not exist`);
    const policies = typeof a.policies === "string" ? a.policies.split(",").map((p) => policyByName(p.trim()).name) : [...POLICY_NAMES];
    const list = await scenarios(a);
    if (typeof a["export-instance"] === "string") {
      if (list.length !== 1) throw new Error("--export-instance: needs exactly one scenario or trace");
      writeFileSync(a["export-instance"], JSON.stringify(scenarioInstance(list[0]!)) + "\n");
      if (!a.json && !a.report) return 0;
    }
    const all: MetricsRow[] = [];
    for (const sc of list) {
      const result = runScenario(sc, { policies, specialization: !a["no-specialization"] });
      all.push(...result.rows);
      if (typeof a.report === "string") {
        // One file per scenario when several run: out.html → out-<scenario>.html.
        const file = list.length > 1 ? a.report.replace(/(\.html?)?$/, `-${sc.name.replace(/[^\w.-]+/g, "_")}$1`) : a.report;
        writeFileSync(file, renderReport(result));
        process.stderr.write(`report written to ${file}\n`);
      }
      if (a.json) for (const r of result.rows) process.stdout.write(JSON.stringify(r) + "\n");
      else if (!a.report) process.stdout.write(table(result.rows));
    }
    if (a.targets) process.stdout.write((a.json ? "" : "\n") + formatTargets(targetRows(all)));
    return 0;
  } catch (e) {
    process.stderr.write(`burstfarm sim: ${(e as Error).message}\n`);
    if (process.env.BURSTFARM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
}
