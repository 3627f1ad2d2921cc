/**
 * `npm run bench` (table) / `npm run bench -- --json` (one JSON object per line).
 *
 * Times the whole `plan(snapshot, policy, now)` call on generated farms (test/builders/
 * farm-generator.ts) at (T, N) = (1,000, 50), (10,000, 500), (100,000, 5,000). Generation is not
 * timed; the timed calls rotate over four deep copies of the snapshot made beforehand, and plan()
 * builds every index inside the call (lib/planner keeps no state between calls). Warm-up, then enough iterations for a
 * p50/p99 (nearest rank; with the 30-call minimum at the largest size p99 is close to the max).
 * heap_mb = the largest heapUsed seen right after a timed call (it includes the four snapshot
 * copies; snapshot_json_mb is the size of one as JSON). Then the
 * bounds functions on the same farms, and the growth of plan()'s p50 against n·log n (printed,
 * not asserted). Budget: well under 2 minutes on the 2-core machine.
 */
import { performance } from "node:perf_hooks";
import { cloudLowerBound, energyLowerBound, instanceFromSnapshot, unavoidablyLate } from "../../lib/planner/bounds/index.ts";
import { defaultPolicy, plan } from "../../lib/planner/index.ts";
import type { Snapshot } from "../../lib/planner/types.ts";
import { generateFarm } from "../builders/farm-generator.ts";
import { runLpBench } from "./lp-plan.ts";
import { simBoundsRows } from "./sim-bounds.ts";

const SIZES: [number, number][] = [[1_000, 50], [10_000, 500], [100_000, 5_000]];
const USAGE = "usage: npm run bench [-- --json] [-- --only local|lp] [-- --no-agent]   (--json: one JSON object per line; --only local: the local farm's startup only; --only lp: the planner-of-record rows only (plan with HiGHS, dispatch); --no-agent: skip the agent rows)\n";
const argv = process.argv.slice(2);
const unknown = argv.filter((a, i) => !["--json", "--only", "--no-agent", "--help", "-h"].includes(a) && argv[i - 1] !== "--only");
if (argv.includes("--help") || argv.includes("-h")) { process.stdout.write(USAGE); process.exit(0); }
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined;
if (unknown.length > 0 || (only !== undefined && only !== "local" && only !== "lp")) { process.stderr.write(`bench: unknown argument ${unknown[0] ?? "after --only"}\n${USAGE}`); process.exit(2); }
const json = argv.includes("--json");
/** --only: a subset of the rows (local: the local farm's startup; lp: the planner-of-record rows). */
const subset = only !== undefined;
const BUDGET_MS = 6_000; // measured time per size for plan()
const BOUNDS = { slotMinutes: 60, horizonSlots: 72 };

interface Stats { p50: number; p99: number; n: number; heapMb: number }

function measure(fn: (input: Snapshot) => unknown, base: Snapshot, opts: { warmup: number; budgetMs: number; min: number; max: number }): Stats {
  // Distinct deep copies made before timing, used in rotation: no harness garbage is collected
  // inside the timer, and the planner keeps no cache across calls (it has no module state).
  const pool = Array.from({ length: 4 }, () => structuredClone(base));
  for (let i = 0; i < opts.warmup; i++) fn(pool[i % pool.length]!);
  const times: number[] = [];
  let heap = 0;
  let spent = 0;
  while (times.length < opts.max && (times.length < opts.min || spent < opts.budgetMs)) {
    const input = pool[times.length % pool.length]!;
    const t0 = performance.now();
    fn(input);
    const dt = performance.now() - t0;
    heap = Math.max(heap, process.memoryUsage().heapUsed);
    times.push(dt);
    spent += dt;
  }
  times.sort((a, b) => a - b);
  const rank = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { p50: rank(0.5), p99: rank(0.99), n: times.length, heapMb: heap / 1e6 };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const rows: Record<string, unknown>[] = [];
const emit = (row: Record<string, unknown>) => { rows.push(row); if (json) console.log(JSON.stringify(row)); };

const planP50 = new Map<number, number>();
for (const [T, N] of subset ? [] : SIZES) {
  const { snapshot, now } = generateFarm({ tasks: T, nodes: N, seed: 42 });
  const J = snapshot.jobs.length;
  const s = measure((snap) => plan(snap, defaultPolicy, now), snapshot, { warmup: 5, budgetMs: BUDGET_MS, min: 30, max: 1000 });
  planP50.set(T, s.p50);
  emit({ bench: "plan", jobs: J, tasks: T, nodes: N, p50_ms: round(s.p50), p99_ms: round(s.p99), heap_mb: round(s.heapMb, 1), snapshot_json_mb: round(Buffer.byteLength(JSON.stringify(snapshot)) / 1e6, 2), iterations: s.n });

  const inst = instanceFromSnapshot(snapshot, defaultPolicy, now, BOUNDS);
  const opt = { warmup: 2, budgetMs: 1_000, min: 5, max: 200 };
  const b1 = measure((snap) => instanceFromSnapshot(snap, defaultPolicy, now, BOUNDS), snapshot, opt);
  emit({ bench: "bounds.instance", jobs: J, tasks: T, nodes: N, classes: inst.classes.length, bounds_jobs: inst.jobs.length, p50_ms: round(b1.p50), p99_ms: round(b1.p99), iterations: b1.n });
  const onInstance = (name: string, fn: () => unknown, extra: Record<string, unknown>) => {
    const r = measure(() => fn(), snapshot, { ...opt, warmup: 1 });
    emit({ bench: name, jobs: J, tasks: T, nodes: N, p50_ms: round(r.p50), p99_ms: round(r.p99), iterations: r.n, ...extra });
  };
  const cloud = cloudLowerBound(inst);
  onInstance("bounds.cloud", () => cloudLowerBound(inst), { cost: round(cloud.cost), node_hours: round(cloud.nodeHours), feasible: cloud.feasible });
  const energy = energyLowerBound(inst);
  onInstance("bounds.energy", () => energyLowerBound(inst), { cost: round(energy.cost), schedule_cost: round(energy.scheduleCost), exact: energy.exact });
  onInstance("bounds.late", () => unavoidablyLate(inst), { late: unavoidablyLate(inst).length });
}

// The default mix rarely needs the cloud; a farm with 5× the work exercises burst sizing and the
// bounds' non-zero paths. Extra lines, marked "farm":"loaded".
if (!subset) {
  const [T, N] = [10_000, 500];
  const { snapshot, now } = generateFarm({ tasks: T, nodes: N, seed: 42, load: 5 });
  const s = measure((snap) => plan(snap, defaultPolicy, now), snapshot, { warmup: 5, budgetMs: 3_000, min: 30, max: 1000 });
  const p = plan(snapshot, defaultPolicy, now);
  emit({ bench: "plan", farm: "loaded", jobs: snapshot.jobs.length, tasks: T, nodes: N, p50_ms: round(s.p50), p99_ms: round(s.p99), heap_mb: round(s.heapMb, 1), iterations: s.n, burst_requests: p.burst.length, burst_nodes: p.burst.reduce((n, b) => n + b.count, 0) });
  const inst = instanceFromSnapshot(snapshot, defaultPolicy, now, BOUNDS);
  const t0 = performance.now();
  const cloud = cloudLowerBound(inst);
  emit({ bench: "bounds.cloud", farm: "loaded", jobs: snapshot.jobs.length, tasks: T, nodes: N, p50_ms: round(performance.now() - t0), cost: round(cloud.cost), node_hours: round(cloud.nodeHours), unavoidably_late: cloud.excluded.length, feasible: cloud.feasible });
}

if (only !== "lp") for (const r of await simBoundsRows()) emit(r);

const nlogn = (n: number) => n * Math.log2(n);
if (only !== "lp") emit(await (await import("./local-start.ts")).benchLocalStart());

for (let i = 1; i < (subset ? 0 : SIZES.length); i++) {
  const [a] = SIZES[i - 1]!;
  const [b] = SIZES[i]!;
  emit({ bench: "growth", from_tasks: a, to_tasks: b, time_ratio: round(planP50.get(b)! / planP50.get(a)!), nlogn_ratio: round(nlogn(b) / nlogn(a)) });
}

if (!subset && !process.argv.includes("--no-agent")) for (const row of await (await import("./agent.ts")).agentBench()) emit(row);
if (!subset || only === "lp") await runLpBench(emit);

if (!json) {
  const cols = ["bench", "farm", "startup_to_first_frame_s", "api_ready_s", "jobs", "tasks", "nodes", "p50_ms", "p99_ms", "heap_mb", "iterations", "from_tasks", "to_tasks", "time_ratio", "nlogn_ratio", "cost", "node_hours"];
  const used = cols.filter((c) => rows.some((r) => r[c] !== undefined));
  const cell = (v: unknown) => (v === undefined ? "" : String(v));
  const width = used.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(width[i]!)).join("  ");
  console.log(line(used));
  for (const r of rows) console.log(line(used.map((c) => cell(r[c]))));
}

// Task state against dynalite (issue [T]): commit, contention, frame, cycle, edit_to_order rows.
if (only !== "lp") await (await import("./task-state.ts")).runTaskStateBenches();
