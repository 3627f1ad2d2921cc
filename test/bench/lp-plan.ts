/**
 * Bench rows for the planner of record (issue [P]): the whole re-plan with the LP solved by
 * HiGHS (`{"bench":"plan","solver":"highs",…}`) at 10k/500, 100k/5k and 1M/20k (20k jobs), with
 * the solver's share of the time and the LP's size; and a dispatch decision from a fresh plan of
 * record (`{"bench":"dispatch",…}`): one frame finished, plan() re-run with the recorded LP
 * solution (no solve). Generation is not timed; every timed call gets its own deep copy, made
 * before the timed loop (so the harness's copies are not garbage-collected inside a timed call).
 * `cpu_p50_ms`/`cpu_p99_ms` (process CPU time of the call) beside the wall times, and the 1-minute
 * load average per row: on a shared machine the wall time includes waiting for a core.
 * `solver_share` is the solver's wall time over the call's (median over runs), `solver_cpu_share`
 * the same in CPU time.
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
    const copies = Array.from({ length: size.runs }, () => structuredClone(snapshot));
    const totals: number[] = [];
    const solves: number[] = [];
    const cpus: number[] = [];
    const solveCpus: number[] = [];
    const load = machine();
    for (const input of copies) {
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
    if (size.tasks === 100_000) dispatchBench(emit, snapshot, now, highs);
  }
}

/**
 * A frame finishes on a busy node seconds after the cycle; the decision that follows replays the
 * plan of record (same 5-minute slot window, same model shape), or falls back and says so.
 */
function dispatchBench(emit: Emit, snapshot: Snapshot, now: number, solver: Parameters<typeof recording>[0]): void {
  const rec = recording(solver);
  plan(structuredClone(snapshot), defaultPolicy, now + 1000, { solver: rec });
  const record = rec.last!;
  // The events (a frame done on a different busy node each), made before the timed loop.
  const events = Array.from({ length: 30 }, (_, i) => {
    const event = structuredClone(snapshot);
    const node = event.nodes.filter((n) => n.pool === "onprem" && n.leases.length > 0)[i]!;
    const lease = node.leases.pop()!;
    const step = event.jobs.find((j) => j.id === lease.jobId)?.steps.find((s) => s.name === lease.stepName);
    if (step) { step.runningTasks = Math.max(0, step.runningTasks - 1); step.doneTasks++; }
    node.idleSince = now + 2000 + i * 1000;
    return event;
  });
  const times: number[] = [];
  const cpus: number[] = [];
  let replayed = 0;
  const load = machine();
  events.reverse();
  for (let i = 0; events.length > 0; i++) {
    const event = events.pop()!;
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    const p = plan(event, defaultPolicy, now + 2000 + i * 1000, { solver: replay(record) });
    times.push(performance.now() - t0);
    cpus.push(cpuMs(u0));
    if (p.planner?.mode === "lp") replayed++;
  }
  emit({ bench: "dispatch", from: "plan of record", jobs: snapshot.jobs.length, tasks: 100_000, nodes: 5_000, p50_ms: round(rank(times, 0.5)), p99_ms: round(rank(times, 0.99)), cpu_p50_ms: round(rank(cpus, 0.5)), cpu_p99_ms: round(rank(cpus, 0.99)), replayed_of: `${replayed}/${times.length}`, lp_columns: record.numCols, lp_rows: record.numRows, iterations: times.length, ...load });
}
