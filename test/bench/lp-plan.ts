/**
 * Bench rows for the planner of record (issue [P]): the whole re-plan with the LP solved by
 * HiGHS (`{"bench":"plan","solver":"highs",…}`) at 10k/500, 100k/5k and 1M/20k (20k jobs), with
 * the solver's share of the time and the LP's size; and a dispatch decision from a fresh plan of
 * record (`{"bench":"dispatch",…}`): one frame finished, plan() re-run with the recorded LP
 * solution (no solve). Generation is not timed; as in run.ts, the timed calls rotate over four
 * deep copies made before the loop (plan() leaves its input untouched): no harness copy is made or
 * collected inside the loop, and the heap holds four snapshots, not one per run (30 copies of the
 * 100k farm, 6.4 MB each, made every major GC inside a timed call ~100 ms longer).
 * `cpu_p50_ms`/`cpu_p99_ms` (process CPU time of the call) beside the wall times, and the 1-minute
 * load average per row: on a shared machine the wall time includes waiting for a core.
 * `solver_share` is the solver's wall time over the call's (median over runs), `solver_cpu_share`
 * the same in CPU time. At 10k and 100k also the next cycle's re-plan with the opt-in warm start
 * (`{"bench":"plan","start":"warm",…}`; the cold rows are the targets' measure).
 */
import { cpus as cores, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { defaultPolicy, plan } from "../../lib/planner/index.ts";
import type { Snapshot } from "../../lib/planner/types.ts";
import { loadHighsSolver } from "../../lib/solver/highs-solver.ts";
import { recording, replay } from "../../lib/solver/plan-of-record.ts";
import { generateFarm } from "../builders/farm-generator.ts";

type Emit = (row: Record<string, unknown>) => void;
/** `warmup`: untimed calls first (the planner runs in a long-lived process: JIT-compiled, as in production). */
const SIZES: { tasks: number; nodes: number; tasksPerJob?: number; runs: number; warmup: number }[] = [
  { tasks: 10_000, nodes: 500, runs: 30, warmup: 3 },
  { tasks: 100_000, nodes: 5_000, runs: 15, warmup: 3 },
  { tasks: 1_000_000, nodes: 20_000, tasksPerJob: 50, runs: 5, warmup: 1 },
];
const COPIES = 4;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const rank = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const cpuMs = (u0: NodeJS.CpuUsage) => { const u = process.cpuUsage(u0); return (u.user + u.system) / 1000; };
/** How shared the machine was while a row ran (wall times on a loaded machine include waiting for a core). */
const machine = () => ({ load_1m: round(loadavg()[0]!, 2), cores: cores().length });

export async function runLpBench(emit: Emit): Promise<void> {
  const highs = await loadHighsSolver();
  for (const size of SIZES) {
    const { snapshot, now } = generateFarm({ tasks: size.tasks, nodes: size.nodes, seed: 42, ...(size.tasksPerJob ? { tasksPerJob: size.tasksPerJob } : {}) });
    let last = plan(structuredClone(snapshot), defaultPolicy, now, { solver: highs });
    for (let i = 1; i < size.warmup; i++) last = plan(structuredClone(snapshot), defaultPolicy, now, { solver: highs });
    const copies = Array.from({ length: COPIES }, () => structuredClone(snapshot));
    const totals: number[] = [];
    const solves: number[] = [];
    const cpus: number[] = [];
    const solveCpus: number[] = [];
    const load = machine();
    for (let i = 0; i < size.runs; i++) {
      const input = copies[i % COPIES]!;
      const t0 = performance.now();
      const u0 = process.cpuUsage();
      last = plan(input, defaultPolicy, now, { solver: highs });
      totals.push(performance.now() - t0);
      cpus.push(cpuMs(u0));
      solves.push(highs.lastSolveMs);
      solveCpus.push(highs.lastSolveCpuMs);
    }
    const lp = last.planner?.lp;
    const p50 = rank(totals, 0.5);
    emit({
      bench: "plan", solver: "highs", mode: last.planner?.mode, jobs: snapshot.jobs.length, tasks: size.tasks, nodes: size.nodes,
      p50_ms: round(p50), p99_ms: round(rank(totals, 0.99)), cpu_p50_ms: round(rank(cpus, 0.5)), cpu_p99_ms: round(rank(cpus, 0.99)),
      solver_p50_ms: round(rank(solves, 0.5)), solver_share: round(rank(solves, 0.5) / p50, 2), solver_cpu_p50_ms: round(rank(solveCpus, 0.5)), solver_cpu_share: round(rank(solveCpus, 0.5) / rank(cpus, 0.5), 2),
      lp_columns: lp?.columns, lp_rows: lp?.rows, lp_nonzeros: lp?.nonzeros, lp_groups: lp?.groups, lp_resources: lp?.resources, lp_slots: lp?.slots,
      assignments: last.assignments.length, iterations: size.runs, ...load,
    });
    // The rows below time their own snapshots: these four copies (6.4 MB each at 100k) would otherwise stay
    // reachable through them and every major GC in a timed call would mark them too (a service holds one snapshot).
    copies.length = 0;
    if (size.tasks <= 100_000) await warmBench(emit, snapshot, now, size.tasks, size.nodes);
    if (size.tasks === 100_000) dispatchBench(emit, snapshot, now, highs);
  }
}

/** Event snapshots: a frame done on a different busy on-prem node each, at now + 2 + i seconds. */
function eventsOf(snapshot: Snapshot, now: number, count: number): Snapshot[] {
  return Array.from({ length: count }, (_, i) => {
    const event = structuredClone(snapshot);
    const node = event.nodes.filter((n) => n.pool === "onprem" && n.leases.length > 0)[i]!;
    const lease = node.leases.pop()!;
    const step = event.jobs.find((j) => j.id === lease.jobId)?.steps.find((s) => s.name === lease.stepName);
    if (step) { step.runningTasks = Math.max(0, step.runningTasks - 1); step.doneTasks++; }
    node.idleSince = now + 2000 + i * 1000;
    return event;
  });
}

/**
 * The whole re-plan of the next cycle with the opt-in warm start (`loadHighsSolver({ warmStart:
 * true })`): the cycle at now + 1 s solves (untimed), then an event's re-plan a second later,
 * same model shape, is timed. `{"bench":"plan","start":"warm",…}`; `warm_of` counts solves that
 * started from the previous basis.
 */
async function warmBench(emit: Emit, snapshot: Snapshot, now: number, tasks: number, nodes: number): Promise<void> {
  const solver = await loadHighsSolver({ warmStart: true });
  const runs = tasks >= 100_000 ? 10 : 20;
  const cycles = Array.from({ length: COPIES }, () => structuredClone(snapshot));
  const events = eventsOf(snapshot, now, COPIES);
  const times: number[] = [];
  const cpus: number[] = [];
  const solves: number[] = [];
  let warm = 0;
  const load = machine();
  for (let i = 0; i < runs; i++) {
    plan(cycles[i % COPIES]!, defaultPolicy, now + 1000, { solver });
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    plan(events[i % COPIES]!, defaultPolicy, now + 2000 + i * 1000, { solver });
    times.push(performance.now() - t0);
    cpus.push(cpuMs(u0));
    solves.push(solver.lastSolveCpuMs);
    if (solver.lastWarm) warm++;
  }
  emit({
    bench: "plan", solver: "highs", start: "warm", jobs: snapshot.jobs.length, tasks, nodes, p50_ms: round(rank(times, 0.5)), p99_ms: round(rank(times, 0.99)),
    cpu_p50_ms: round(rank(cpus, 0.5)), cpu_p99_ms: round(rank(cpus, 0.99)), solver_cpu_p50_ms: round(rank(solves, 0.5)), solver_cpu_share: round(rank(solves, 0.5) / rank(cpus, 0.5), 2),
    warm_of: `${warm}/${runs}`, iterations: runs, ...load,
  });
}

/**
 * A frame finishes on a busy node seconds after the cycle; the decision that follows replays the
 * plan of record (same 5-minute slot window, same model shape), or falls back and says so.
 */
function dispatchBench(emit: Emit, snapshot: Snapshot, now: number, solver: Parameters<typeof recording>[0]): void {
  const rec = recording(solver);
  plan(structuredClone(snapshot), defaultPolicy, now + 1000, { solver: rec });
  const record = rec.last!;
  const events = eventsOf(snapshot, now, COPIES);
  const times: number[] = [];
  const cpus: number[] = [];
  let replayed = 0;
  const load = machine();
  // Warm-up: the replay path's first calls (JIT) are not the steady state of a long-lived planner.
  for (let i = 0; i < 3; i++) plan(events[i % COPIES]!, defaultPolicy, now + 2000, { solver: replay(record) });
  for (let i = 0; i < 30; i++) {
    const event = events[i % COPIES]!;
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const p = plan(event, defaultPolicy, now + 2000 + i * 1000, { solver: replay(record) });
    times.push(performance.now() - t0);
    cpus.push(cpuMs(u0));
    if (p.planner?.mode === "lp") replayed++;
  }
  emit({ bench: "dispatch", from: "plan of record", jobs: snapshot.jobs.length, tasks: 100_000, nodes: 5_000, p50_ms: round(rank(times, 0.5)), p99_ms: round(rank(times, 0.99)), cpu_p50_ms: round(rank(cpus, 0.5)), cpu_p99_ms: round(rank(cpus, 0.99)), replayed_of: `${replayed}/${times.length}`, lp_columns: record.numCols, lp_rows: record.numRows, iterations: times.length, ...load });
}
