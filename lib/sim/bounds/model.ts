/**
 * The scenario seen with hindsight by the simulator's own lower bounds (misses, energy, cloud
 * under guarantees). Unlike lib/planner/bounds' exchange instance it keeps what those bounds
 * need to stay honest: exact submit, deadline and boot instants (the LPs cap each job's work in
 * a slot by the part of the slot it may use — cloud only from submit + boot, never rounded down
 * to a whole slot), the longest task per class (a task is never split below its length), the
 * offers' instance limits, client budgets and guarantees. Work is the TRUE runtime of every task
 * (the engine's very draws), retries excluded; a node counts in a slot unless it is down for the
 * whole of it; dependencies are ignored. Each relaxation only lowers the bounds. The energy and
 * guarantee-aware cloud bounds' model (`retries`) also counts the failed attempts every run repeats.
 */
import { defaultPolicy, type Client, type Tariff } from "../../planner/index.ts";
import { crashEvents } from "../engine.ts";
import { meets, speedFor } from "../eligibility.ts";
import { exhaustsRetries, failedRefSec, trueTaskSec } from "../tasks.ts";
import type { Scenario, SimNodeSpec } from "../types.ts";

/** `nodes[t]`: slots of nodes up for some of slot t (a relaxation); `upAll[t]`: of nodes up for all of it (what an obligation may count on). */
export interface LocalClass { name: string; nodes: number[]; upAll: number[]; kwBusy: number; caps: SimNodeSpec["capabilities"]; speed: Record<string, number> }
export interface CloudClass { name: string; pricePerHour: number; maxNodes: number; bootSec: number; caps: SimNodeSpec["capabilities"]; speed: Record<string, number> }

/** Steps of one job with the same eligible classes. Hours are node-hours on that class alone. */
export interface Part {
  local: Map<number, number>;
  cloud: Map<number, number>;
  tasks: number;
  longestLocal: Map<number, number>;
  longestCloud: Map<number, number>;
  shortestLocal: Map<number, number>;
  shortestCloud: Map<number, number>;
  /** Each task's hours on the fastest class it may use, longest first. */
  taskHours: number[];
  /** Per step of the part: its index and its tasks' hours (fastest class), shortest first and by task index. */
  steps: { step: number; hours: number[]; byTask: number[] }[];
}

export interface BoundJob {
  id: string;
  clientId: string;
  submitAt: number;
  /** Final deadline (after edits), or null for best effort. */
  dueAt: number | null;
  cloudAllowed: boolean;
  energyIntensive: boolean;
  /** A task fails every attempt it is allowed (the default policy's retries): every run fails the job. */
  exhausted: boolean;
  /** It waits for other jobs or steps (dependencies): not all of its work is runnable from submission. */
  chained: boolean;
  parts: Part[];
}

export interface BoundModel {
  startAt: number;
  endAt: number;
  slotMs: number;
  slots: number;
  /** Lowest energy price in each slot (a lower bound on what any work in it pays). */
  minPrice: number[];
  tariff: Tariff | null;
  local: LocalClass[];
  cloud: CloudClass[];
  clients: Client[];
  jobs: BoundJob[];
  /** The guarantee metric's grace (plan interval + replan delay, ms): under-service shorter than it is free. */
  graceMs: number;
}

export function slotStart(m: BoundModel, t: number): number {
  return m.startAt + t * m.slotMs;
}

/** Fraction of slot t inside [from, to). */
export function overlap(m: BoundModel, t: number, from: number, to: number): number {
  const a = slotStart(m, t);
  return Math.max(0, Math.min(to, a + m.slotMs) - Math.max(from, a)) / m.slotMs;
}

function minPriceIn(tariff: Tariff | null, a: number, b: number): number {
  if (!tariff) return 0;
  let covered = 0;
  let low = Infinity;
  for (const s of tariff.slots) {
    const len = Math.min(b, s.endAt) - Math.max(a, s.startAt);
    if (len > 0) { covered += len; low = Math.min(low, s.pricePerKWh); }
  }
  if (covered < b - a) low = Math.min(low, tariff.defaultPricePerKWh);
  return low;
}

function localClasses(sc: Scenario, slots: number, slotMs: number): LocalClass[] {
  const byKey = new Map<string, SimNodeSpec[]>();
  for (const n of sc.nodes) {
    const key = JSON.stringify([n.capabilities, Object.entries(n.speed).sort(), n.powerBusyW / n.slots]);
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(n);
  }
  const crashes = crashEvents(sc);
  return [...byKey.values()].map((nodes, i) => {
    const down = nodes.map((n) => crashes.filter((c) => c.nodeId === n.id));
    const per: number[] = [];
    const upAll: number[] = [];
    for (let t = 0; t < slots; t++) {
      const a = sc.startAt + t * slotMs;
      let up = 0;
      let all = 0;
      for (const [x, n] of nodes.entries()) {
        const mine = down[x]!;
        if (!mine.some((c) => c.at <= a && c.at + c.downSec * 1000 >= a + slotMs)) up += n.slots;
        if (!mine.some((c) => c.at < a + slotMs && c.at + c.downSec * 1000 > a)) all += n.slots;
      }
      per.push(up);
      upAll.push(all);
    }
    const n0 = nodes[0]!;
    return { name: `L${i}`, nodes: per, upAll, kwBusy: n0.powerBusyW / n0.slots / 1000, caps: n0.capabilities, speed: n0.speed };
  });
}

/**
 * `retries`: each task's work includes its failed attempts before the first good one (failedRefSec:
 * drawn per attempt, the same in every run), which every run that finishes the task also did —
 * a tighter bound for the energy a run draws and the cloud it rents under guarantees (the miss
 * bound keeps the task's own runtime).
 */
export function boundModel(sc: Scenario, slotMinutes: number, options: { retries?: boolean } = {}): BoundModel {
  const slotMs = slotMinutes * 60_000;
  const slots = Math.ceil((sc.endAt - sc.startAt) / slotMs);
  // Every policy the simulator runs keeps the default failure policy: the engine's rule (tasks.ts finishAttempt).
  const { retriesPerTask } = defaultPolicy.failures;
  const local = localClasses(sc, slots, slotMs);
  const cloud: CloudClass[] = sc.cloudOffers.map((o, i) => ({ name: `C${i}`, pricePerHour: o.spotPricePerHour, maxNodes: o.maxInstances, bootSec: o.bootSec, caps: o.capabilities, speed: o.speed }));
  const minPrice = Array.from({ length: slots }, (_, t) => minPriceIn(sc.tariff, sc.startAt + t * slotMs, sc.startAt + (t + 1) * slotMs));
  const finalDue = new Map<string, number | null>();
  for (const e of sc.events) if (e.type === "deadline") finalDue.set(e.jobId, e.deadlineAt);
  const jobs = sc.jobs.map((spec): BoundJob => {
    const job = spec.job;
    const client = sc.clients.find((c) => c.id === job.clientId);
    const cloudAllowed = job.cloudAllowed && !!client?.cloudAllowed && client.cloudBudgetLeft > 0;
    const parts = new Map<string, Part>();
    let exhausted = false;
    job.steps.forEach((step, k) => {
      for (let i = 0; i < step.taskCount && !exhausted; i++) exhausted = exhaustsRetries(sc.seed, spec, k, i, sc.faults, retriesPerTask);
      const li = local.flatMap((c, i) => (meets(c.caps, step.requirements) ? [i] : []));
      const ci = cloudAllowed ? cloud.flatMap((c, i) => (meets(c.caps, step.requirements) ? [i] : [])) : [];
      if (li.length + ci.length === 0) return;
      const key = `${li.join(",")}|${ci.join(",")}`;
      const p: Part = parts.get(key) ?? { local: new Map(), cloud: new Map(), tasks: 0, longestLocal: new Map(), longestCloud: new Map(), shortestLocal: new Map(), shortestCloud: new Map(), taskHours: [], steps: [] };
      let sum = 0;
      let longest = 0;
      let shortest = Infinity;
      const fastest = Math.max(...li.map((i) => speedFor(local[i]!.speed, step.kind)), ...ci.map((i) => speedFor(cloud[i]!.speed, step.kind)));
      const own: number[] = [];
      for (let i = 0; i < step.taskCount; i++) {
        const s = trueTaskSec(sc.seed, spec, k, i);
        const w = s + (options.retries ? failedRefSec(sc.seed, spec, k, i, sc.faults, retriesPerTask) : 0);
        own.push(w / fastest / 3600);
        sum += w;
        longest = Math.max(longest, s);
        shortest = Math.min(shortest, s);
        p.taskHours.push(s / fastest / 3600);
      }
      const add = (hours: Map<number, number>, long: Map<number, number>, short: Map<number, number>, i: number, speed: Record<string, number>) => {
        const v = speedFor(speed, step.kind);
        hours.set(i, (hours.get(i) ?? 0) + sum / v / 3600);
        long.set(i, Math.max(long.get(i) ?? 0, longest / v / 3600));
        short.set(i, Math.min(short.get(i) ?? Infinity, shortest / v / 3600));
      };
      for (const i of li) add(p.local, p.longestLocal, p.shortestLocal, i, local[i]!.speed);
      for (const i of ci) add(p.cloud, p.longestCloud, p.shortestCloud, i, cloud[i]!.speed);
      p.tasks += step.taskCount;
      p.steps.push({ step: k, hours: [...own].sort((a, b) => a - b), byTask: own });
      parts.set(key, p);
    });
    for (const p of parts.values()) p.taskHours.sort((a, b) => b - a);
    const dueAt = finalDue.has(job.id) ? finalDue.get(job.id)! : job.deadlineAt;
    return { id: job.id, clientId: job.clientId, submitAt: Math.max(sc.startAt, spec.submitAt), dueAt, cloudAllowed, energyIntensive: job.energyIntensive, exhausted, chained: job.dependsOn.length > 0 || job.steps.some((s) => s.dependsOn.length > 0), parts: [...parts.values()] };
  });
  return { startAt: sc.startAt, endAt: sc.endAt, slotMs, slots, minPrice, tariff: sc.tariff, local, cloud, clients: sc.clients, jobs, graceMs: (sc.planIntervalSec + sc.replanDelaySec) * 1000 };
}

/** Slot length (minutes) so the LP stays near `maxColumns` variables: 15, 30, 60, 120 or 240. */
export function slotMinutesFor(sc: Scenario, maxColumns = 40_000): number {
  const classes = sc.nodes.length > 0 ? new Set(sc.nodes.map((n) => JSON.stringify(n.capabilities))).size + sc.cloudOffers.length : 1;
  let windowMs = 0;
  for (const j of sc.jobs) windowMs += Math.max(0, Math.min(sc.endAt, j.job.deadlineAt ?? sc.endAt) - j.submitAt);
  for (const m of [15, 30, 60, 120, 240]) if ((windowMs / (m * 60_000) + sc.jobs.length) * classes <= maxColumns) return m;
  return 240;
}
