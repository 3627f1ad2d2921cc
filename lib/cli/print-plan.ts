import type { Plan, Snapshot } from "../planner/index.ts";
import { fixed } from "./format.ts";

/** A plan as a wrangler reads it: jobs in dispatch order with the reason for each. */
export function formatPlan(plan: Plan, snapshot: Snapshot): string {
  const lines: string[] = [];
  const at = new Date(plan.at).toISOString().replace(".000Z", "Z");
  const slots = snapshot.nodes.filter((n) => n.pool === "onprem").reduce((t, n) => t + n.slots, 0);
  lines.push(`Plan at ${at} — ${snapshot.jobs.length} jobs, ${snapshot.nodes.length} nodes (${slots} on-prem slots), ${plan.assignments.length} assignments`);
  lines.push("");
  lines.push(table(["#", "job", "client", "outcome", "tasks", "deadline", "slack", "why"], plan.jobs.map((j) => [
    String(j.rank + 1),
    j.jobId,
    j.clientId,
    j.outcome + (j.atRisk ? " ⚠" : ""),
    String(j.tasksAssigned),
    j.effectiveDeadlineAt === null ? "—" : new Date(j.effectiveDeadlineAt).toISOString().slice(5, 16).replace("T", " "),
    j.slackSec === null ? "—" : hours(j.slackSec),
    j.reason,
  ])));
  lines.push("", "Client shares (on-prem slots)");
  lines.push(table(["client", "guaranteed", "max", "demand", "used", "borrowed"], plan.shares.map((s) => [s.clientId, s.guaranteedSlots, s.maxSlots, s.demandSlots, s.usedSlots, s.borrowedSlots].map(String))));
  const byJob = new Map<string, string[]>();
  for (const a of plan.assignments) byJob.set(a.jobId, [...(byJob.get(a.jobId) ?? []), `${a.nodeId}${a.queued ? "(next)" : ""}←${a.stepName}#${a.taskIndex}`]);
  lines.push("", "Assignments");
  for (const [job, list] of byJob) lines.push(`  ${job}: ${list.slice(0, 8).join(", ")}${list.length > 8 ? `, … ${list.length - 8} more` : ""}`);
  if (byJob.size === 0) lines.push("  none");
  lines.push("", "Cloud burst");
  for (const b of plan.burst) lines.push(`  ${b.count} × ${b.instanceType} (${b.market}) for ${b.clientId}, ~${fixed(b.estimatedCost, 2)} — ${b.reason}`);
  if (plan.burst.length === 0) lines.push("  none: local capacity meets every deadline it can");
  lines.push("", "Node actions");
  for (const a of plan.nodeActions) lines.push(`  ${a.action} ${a.nodeId}: ${a.reason}`);
  if (plan.nodeActions.length === 0) lines.push("  none");
  for (const p of plan.preemptions) lines.push(`  checkpoint ${p.taskId} on ${p.nodeId}: ${p.reason}`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

function hours(sec: number): string {
  if (!Number.isFinite(sec)) return "—";
  const h = sec / 3600;
  return `${h < 0 ? "-" : ""}${Math.abs(h) >= 10 ? Math.round(Math.abs(h)) : Math.abs(h).toFixed(1)}h`;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.min(i === head.length - 1 ? 200 : 28, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => "  " + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n");
}
