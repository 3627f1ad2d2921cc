/**
 * Replay a Standard Workload Format trace on the default farm. Rules (documented, not tuned):
 * - every SWF job becomes a render job submitted at START + its submit time (seconds after the
 *   first job in the slice); its work, run time × allocated processors, is cut into frames of the
 *   Deadline Cloud log's mean frame time (123 s) and frame times are drawn from that log;
 * - deadline = submit + requested time (SWF field 9, the user's wall-clock request), or submit +
 *   4 × run time when the trace has none; jobs with no positive run time are skipped;
 * - users become clients: the three with the most work are A, B, C, everyone else is D;
 *   guarantees 30/25/20/25%, all may burst with a budget of 200 each;
 * - priority 50 for all (SWF has none); kind render-cpu; the farm is the default 26 nodes.
 */
import type { SwfJob, SwfTrace } from "../data/index.ts";
import { bundledLcgSlice, readSwfFile } from "../data/index.ts";
import type { Scenario } from "../types.ts";
import { defineScenario, type JobRow } from "./define.ts";
import { client } from "./farm.ts";

export const FRAME_SEC = 123;
export const DEFAULT_TRACE_JOBS = 300;

export function traceJobRows(jobs: SwfJob[]): { rows: JobRow[]; hours: number } {
  const usable = jobs.filter((j) => j.runTime > 0);
  if (usable.length === 0) throw new Error("trace: no job with a positive run time");
  const t0 = Math.min(...usable.map((j) => j.submitTime));
  const workBy = new Map<number, number>();
  for (const j of usable) workBy.set(j.userId, (workBy.get(j.userId) ?? 0) + j.runTime * Math.max(1, j.allocatedProcs));
  const top = [...workBy.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3).map(([u]) => u);
  let last = 0;
  const rows: JobRow[] = usable.map((j) => {
    const work = j.runTime * Math.max(1, j.allocatedProcs);
    const tasks = Math.max(1, Math.round(work / FRAME_SEC));
    const submitH = (j.submitTime - t0) / 3600;
    const allowSec = j.requestedTime > 0 ? j.requestedTime : 4 * j.runTime;
    const dueH = submitH + allowSec / 3600;
    last = Math.max(last, dueH);
    const idx = top.indexOf(j.userId);
    return [`swf-${j.jobNumber}`, idx >= 0 ? "ABC"[idx]! : "D", "render-cpu", tasks, work / tasks, submitH, dueH, 50, true, { spread: 0.05 }];
  });
  return { rows, hours: Math.ceil(last + 6) };
}

export function traceScenario(trace: SwfTrace, name: string, limit = DEFAULT_TRACE_JOBS): Scenario {
  const { rows, hours } = traceJobRows(trace.jobs.slice(0, limit));
  const sc = defineScenario({
    name, hours: Math.min(hours, 24 * 7), realFrameTimes: true, jobs: rows,
    description: `Replay of ${rows.length} jobs from an SWF trace (${trace.header.fields.find((f) => f.key === "Installation")?.value ?? "unknown installation"}) on the default farm; deadline = submit + requested time.`,
    clients: [client("A", 0.3, 1, true, 200), client("B", 0.25, 1, true, 200), client("C", 0.2, 1, true, 200), client("D", 0.25, 1, true, 200)],
  });
  return { ...sc, sources: [...(sc.sources ?? []), "jobs: Parallel Workloads Archive SWF trace (LCG-2005-1 slice when bundled)"] };
}

export async function traceReplay(limit = DEFAULT_TRACE_JOBS): Promise<Scenario> {
  return traceScenario(await bundledLcgSlice({ limit }), "trace-replay", limit);
}

export async function traceFromFile(path: string, limit = DEFAULT_TRACE_JOBS): Promise<Scenario> {
  return traceScenario(await readSwfFile(path, { limit }), `trace:${path.split("/").pop()}`, limit);
}

