/**
 * What the terminal shows about the farm beside the job bars, read from the API as an
 * operator sees it: the farm clock, tariff price now, nodes busy / idle / asleep / offline,
 * cloud nodes and cloud cost so far, energy and its cost so far.
 */
import type { ApiClient } from "../http/client/api-client.ts";
import { fixed, money } from "../cli/format.ts";
import type { JobSnapshot } from "../cli/progress-view.ts";
import { listAllJobs } from "../cli/list-jobs.ts";
import type { FarmSettings } from "../service/index.ts";

export interface FarmStatus {
  at: number;
  jobs: JobSnapshot[];
  nodes: { busy: number; idle: number; asleep: number; offline: number; cloud: number; cloudBusy: number };
  cloudCost: number;
  energyCost: number;
  energyKWh: number;
}

const usageKeys = ["cloudCost", "energyCost", "energyKWh"] as const;

export async function readFarmStatus(api: ApiClient, usageFrom: string): Promise<FarmStatus> {
  const [farm, nodes, jobs, clients] = await Promise.all([
    api.get("/farm"), api.get("/nodes"), listAllJobs<JobSnapshot & { submittedAt: string }>(api), api.get("/clients"),
  ]);
  const at = Date.parse(farm.at);
  const to = new Date(at + 864e5).toISOString().slice(0, 10);
  const usage = await Promise.all(clients.items.map((c: any) => api.get(`/clients/${encodeURIComponent(c.id)}/usage`, { from: usageFrom, to })));
  // A usage row without a figure adds nothing (not NaN).
  const total = Object.fromEntries(usageKeys.map((k) => [k, usage.reduce((s: number, u: any) => s + (Number.isFinite(u.totals?.[k]) ? u.totals[k] : 0), 0)])) as Record<(typeof usageKeys)[number], number>;
  const n = { busy: 0, idle: 0, asleep: 0, offline: 0, cloud: 0, cloudBusy: 0 };
  for (const node of nodes.items) {
    const silent = node.status === "offline" || node.lastSeenAgeSec > 600;
    if (node.pool === "cloud") { if (!silent && node.status !== "terminated") { n.cloud++; if (node.running > 0) n.cloudBusy++; } continue; }
    if (node.status === "asleep") n.asleep++;
    else if (silent) n.offline++;
    else if (node.running > 0) n.busy++;
    else n.idle++;
  }
  return { at, jobs: [...jobs].reverse(), nodes: n, ...total };
}

/** The price now and the next change, e.g. "0.123 USD/kWh, 0.090 from 08:00". */
export function tariffText(settings: Pick<FarmSettings, "tariff">, at: number, timeZone: string): string {
  const t = settings.tariff;
  if (!t) return "no tariff";
  const i = t.slots.findIndex((s) => s.startAt <= at && at < s.endAt);
  if (i < 0) return `${fixed(t.defaultPricePerKWh, 3)} ${t.currency}/kWh`;
  const now = t.slots[i]!;
  const next = t.slots.slice(i + 1).find((s) => s.pricePerKWh !== now.pricePerKWh);
  const hhmm = (ms: number) => new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(ms);
  return `${fixed(now.pricePerKWh, 3)} ${t.currency}/kWh${next ? `, ${fixed(next.pricePerKWh, 3)} from ${hhmm(next.startAt)}` : ""}`;
}

export function statusLines(s: FarmStatus, clockText: string, tariff: string): string[] {
  return [
    `${clockText} · electricity ${tariff}`,
    `nodes ${s.nodes.busy} busy · ${s.nodes.idle} idle · ${s.nodes.asleep} asleep${s.nodes.offline ? ` · ${s.nodes.offline} offline` : ""}` +
      ` │ cloud ${s.nodes.cloud} node${s.nodes.cloud === 1 ? "" : "s"} (${s.nodes.cloudBusy} busy), ${money(s.cloudCost)} so far` +
      ` │ energy ${fixed(s.energyKWh, 1)} kWh, ${money(s.energyCost)} so far`,
  ];
}
