/**
 * The scenario report: one self-contained HTML file (inline CSS and SVG, no scripts, no
 * network) with the comparison table beside the bounds and four charts: utilization over
 * time, cumulative cost, per-job timelines with deadlines, and farm power against the tariff.
 */
import type { MetricsRow } from "../metrics.ts";
import { POLICIES, type PolicyName } from "../policies.ts";
import type { ScenarioRun } from "../run-scenario.ts";
import type { SimResult } from "../types.ts";
import { PALETTE, lineChart, timeline, type Line } from "./svg.ts";
import { targetRows } from "../targets.ts";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}p.desc{color:#444;margin:4px 0 12px}
table{border-collapse:collapse;font-size:12.5px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}tr.ours td{background:#eef6ff}
.bad{color:#c0392b;font-weight:600}.small{font-size:12px;color:#555}
svg.chart{display:block;margin:8px 0 18px;background:#fff}svg .title{font-weight:600;font-size:13px}
svg .tick,svg .legend{font-size:10.5px;fill:#444}svg .label{font-size:11px;fill:#333}
svg .grid{stroke:#e6e6e6}svg .axis{stroke:#888}svg .frame{fill:none;stroke:#999}
svg .wait{fill:#dde5ee}svg .run{fill:#4a8fd1}svg .late{fill:#d9534f}svg .deadline{stroke:#111;stroke-width:2}svg .moved{stroke:#999;stroke-width:2;stroke-dasharray:2,2}`;

function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

function table(rows: MetricsRow[]): string {
  const head = ["policy", "misses (unavoid.)", "avoidable", "util.", "idle-with-work node-min", "energy $ (LB)", "energy total $", "cloud $ (LB)", "cloud node-h", "preview % span", "guarantee viol. min", "throughput ref-h/h", "idle gap s", "spec. gain %"];
  const body = rows.map((r) => `<tr${r.policy.startsWith("burstfarm") ? ' class="ours"' : ""}>` + [
    esc(r.policy), `${r.misses} (${r.unavoidable_misses})`, `<span${r.avoidable_misses > 0 ? ' class="bad"' : ""}>${r.avoidable_misses}</span>`,
    num(r.utilization, 3), num(r.wc_violation_node_min, 1), `${num(r.energy_cost)} (${num(r.energy_cost_lb)})`, num(r.energy_total_cost),
    `${num(r.cloud_cost)} (${num(r.cloud_cost_lb)})`, num(r.cloud_node_hours, 1), num(r.preview_latency_pct, 1), num(r.guarantee_violation_min, 1),
    num(r.throughput_ref_hours_per_hour, 1), num(r.idle_gap_mean_sec, 1), num(r.specialization_gain_pct ?? null, 1),
  ].map((c) => `<td>${c}</td>`).join("") + "</tr>").join("");
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>`;
}

function perPolicyLines(results: SimResult[], y: (p: SimResult["series"][number]) => number): Line[] {
  return results.map((r, i) => ({
    name: r.policy, color: PALETTE[i % PALETTE.length]!, dashed: !r.policy.startsWith("burstfarm"),
    points: r.series.map((p) => [p.at, y(p)] as [number, number]),
  }));
}

const MAX_TIMELINE_JOBS = 80;

/** The charts end an hour after the last finish (and last deadline, on small job sets). */
function lastActivity(run: ScenarioRun): number {
  let t = run.scenario.startAt;
  const small = run.scenario.jobs.length <= MAX_TIMELINE_JOBS;
  for (const r of run.results) for (const j of r.jobs) {
    t = Math.max(t, j.finishedAt ?? r.endAt, small ? Math.max(j.deadlineAt ?? 0, j.originalDeadlineAt ?? 0) : 0);
  }
  return Math.min(run.scenario.endAt, t + 3600_000);
}

/** On big job sets, the late jobs first, then the longest waits, in submission order. */
function timelineJobs(r: SimResult): { jobs: SimResult["jobs"]; note: string } {
  if (r.jobs.length <= MAX_TIMELINE_JOBS) return { jobs: r.jobs, note: "" };
  const wait = (j: SimResult["jobs"][number]) => (j.finishedAt ?? r.endAt) - j.submittedAt;
  const pick = [...r.jobs].sort((a, b) => Number(b.late) - Number(a.late) || wait(b) - wait(a)).slice(0, MAX_TIMELINE_JOBS);
  return { jobs: pick.sort((a, b) => a.submittedAt - b.submittedAt), note: ` (${MAX_TIMELINE_JOBS} of ${r.jobs.length}: late first, then longest)` };
}

export function renderReport(run: ScenarioRun): string {
  const sc = run.scenario;
  const x0 = sc.startAt, x1 = lastActivity(run);
  const clip = (r: SimResult): SimResult => ({ ...r, series: r.series.filter((p) => p.at <= x1) });
  const results = run.results.map(clip);
  const ours = results.find((r) => r.policy === "burstfarm") ?? results[0]!;
  const blind = results.find((r) => r.policy === "burstfarm-no-tariff");
  const other = results.find((r) => r.policy === "edf") ?? results.find((r) => r !== ours);
  const charts = [
    lineChart({ title: "On-prem utilization (busy ÷ available slots)", x0, x1, yLabel: "utilization", lines: perPolicyLines(results, (p) => (p.availSlots ? p.busySlots / p.availSlots : 0)) }),
    lineChart({ title: "Cumulative cost: energy + cloud", x0, x1, yLabel: sc.tariff?.currency ?? "USD", lines: perPolicyLines(results, (p) => p.energyCost + p.cloudCost) }),
    ((t) => timeline(`Jobs under ${ours.policy}${t.note}: wait light, run blue (red: late), deadline black (grey: before an edit)`, t.jobs, x0, x1))(timelineJobs(ours)),
    other ? ((t) => timeline(`Jobs under ${other.policy}${t.note}`, t.jobs, x0, x1))(timelineJobs(other)) : "",
    lineChart({
      title: "On-prem power against the tariff", x0, x1, yLabel: "kW", rightLabel: `${sc.tariff?.currency ?? "USD"}/kWh`,
      lines: [
        { name: `${ours.policy} kW`, color: PALETTE[0]!, points: ours.series.map((p) => [p.at, p.powerW / 1000]) },
        ...(blind ? [{ name: `${blind.policy} kW`, color: PALETTE[1]!, dashed: true, points: blind.series.map((p) => [p.at, p.powerW / 1000] as [number, number]) }] : []),
        { name: "price", color: "#555", right: true, points: ours.series.map((p) => [p.at, p.pricePerKWh]) },
      ],
    }),
  ];
  const policies = results.map((r) => (POLICIES as Record<string, { summary: string }>)[r.policy as PolicyName]?.summary ? `<li><b>${esc(r.policy)}</b>: ${esc(POLICIES[r.policy as PolicyName].summary)}</li>` : "").join("");
  const t = targetRows(run.rows)[0];
  const targets = t ? `<h2>Targets (burstfarm)</h2><table><tbody>${(["misses", "guarantees", "energy", "cloud", "preview", "specialization"] as const)
    .map((k) => `<tr><td>${k}</td><td style="text-align:left"${t[k].startsWith("SHORT") ? ' class="bad"' : ""}>${esc(t[k])}</td></tr>`).join("")}</tbody></table>` : "";
  const warnings = run.results.flatMap((r) => r.warnings.slice(0, 3).map((w) => `<li>${esc(r.policy)}: ${esc(w)}</li>`)).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>burstfarm sim: ${esc(sc.name)}</title><style>${CSS}</style></head><body>
<h1>Scenario: ${esc(sc.name)}</h1><p class="desc">${esc(sc.description)}</p>
<p class="small">${sc.jobs.length} jobs, ${sc.nodes.length} on-prem nodes, ${sc.cloudOffers.length} cloud offers, horizon ${((sc.endAt - sc.startAt) / 3600_000).toFixed(0)} h, seed ${sc.seed}.
Lower bounds: cloud ${num(run.bounds.cloudCost)} (${num(run.bounds.cloudNodeHours, 1)} node-h), ${num(run.bounds.cloudCostGuarantees)} with budgets and guarantees, energy (no cloud) ${num(run.bounds.energyFor(0))}, least misses any schedule reaches: ${run.bounds.missLowerBound}${run.bounds.forcedLate.length ? ` (${run.bounds.forcedLate.join(", ")} late whatever happens)` : ""}.</p>
<h2>Comparison</h2>${table(run.rows)}
${targets}
<p class="small">Energy $ is busy power × busy time × price (the shiftable part, as in the bound); energy total adds idle draw over the horizon.
Preview % span: time to the first finished frame as a share of the job's submit-to-finish span. Guarantee violation: client-minutes below the guaranteed share while capacity was given away.</p>
<h2>Charts</h2>${charts.join("\n")}
<h2>Policies</h2><ul class="small">${policies}</ul>
<h2>Data</h2><ul class="small">${(sc.sources ?? []).map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
${warnings ? `<h2>Warnings</h2><ul class="small">${warnings}</ul>` : ""}
</body></html>`;
}
