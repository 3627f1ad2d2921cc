/// <reference lib="dom" />
/**
 * Jobs: every job against its deadline. Live (polls the API), filterable by client, status and
 * at-risk, sortable by any column, and several jobs can be suspended, resumed, requeued or
 * canceled at once (after a confirmation).
 */
import { html, nothing } from "lit";
import type { JobCost, JobView } from "./api.ts";
import { announce, PollingView } from "./base.ts";
import { farmNow, syncFarmClock } from "./clock.ts";
import { confirmAction } from "./confirm.ts";
import { money, relative, when } from "./format.ts";

type SortKey = "name" | "client" | "status" | "priority" | "deadline" | "finish" | "progress" | "cost";
type BulkAction = "suspend" | "resume" | "requeue" | "cancel";

const statuses = ["queued", "running", "suspended", "done", "failed", "canceled"] as const;
const maxPages = 10;
/** An operator's GET /jobs lists open jobs; the newest finished ones are read by status. */
const closedShown = 50;

export class JobsView extends PollingView {
  declare jobs: JobView[];
  declare costs: Map<string, JobCost>;
  declare clientFilter: string;
  declare statusFilter: string;
  declare atRiskOnly: boolean;
  declare sort: { key: SortKey; dir: 1 | -1 };
  declare selected: Set<string>;
  declare loaded: boolean;
  declare operator: boolean;

  static override properties = {
    ...PollingView.properties, operator: { type: Boolean },
    jobs: { state: true }, costs: { state: true }, clientFilter: { state: true }, statusFilter: { state: true },
    atRiskOnly: { state: true }, sort: { state: true }, selected: { state: true }, loaded: { state: true },
  };

  constructor() {
    super();
    this.jobs = [];
    this.costs = new Map();
    this.clientFilter = "";
    this.statusFilter = "";
    this.atRiskOnly = false;
    this.sort = { key: "deadline", dir: 1 };
    this.selected = new Set();
    this.loaded = false;
    this.operator = false;
  }

  protected async refresh(): Promise<void> {
    const jobs: JobView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const r = await this.api.call("listJobs", { query: { limit: 100, ...(cursor ? { cursor } : {}) } });
      jobs.push(...r.items);
      cursor = r.cursor;
      if (!cursor) break;
    }
    if (this.operator) {
      const seen = new Set(jobs.map((j) => j.id));
      for (const status of ["failed", "done", "canceled"] as const) {
        for (const j of (await this.api.call("listJobs", { query: { status, limit: closedShown } })).items) if (!seen.has(j.id)) jobs.push(j);
      }
    }
    const costs = new Map<string, JobCost>();
    for (let i = 0; i < jobs.length; i += 100) {
      const ids = jobs.slice(i, i + 100).map((j) => j.id).join(",");
      if (!ids) continue;
      const reply = await this.api.call("getJobCosts", { query: { ids } });
      syncFarmClock(reply.at);
      for (const c of reply.items) costs.set(c.jobId, c);
    }
    this.jobs = jobs;
    this.costs = costs;
    this.loaded = true;
  }

  private visible(): JobView[] {
    const rows = this.jobs.filter((j) => (!this.clientFilter || j.clientId === this.clientFilter)
      && (!this.statusFilter || j.status === this.statusFilter) && (!this.atRiskOnly || j.outlook.atRisk));
    const { key, dir } = this.sort;
    const value = (j: JobView): string | number => {
      switch (key) {
        case "name": return j.name.toLowerCase();
        case "client": return j.clientId;
        case "status": return statuses.indexOf(j.status);
        case "priority": return j.priority;
        case "deadline": return j.deadline ? Date.parse(j.deadline) : Infinity;
        case "finish": return j.outlook.projectedFinish ? Date.parse(j.outlook.projectedFinish) : Infinity;
        case "progress": return j.progress.fraction;
        case "cost": return this.totalCost(j.id);
      }
    };
    return rows.sort((a, b) => { const x = value(a), y = value(b); return x < y ? -dir : x > y ? dir : a.id.localeCompare(b.id); });
  }

  private totalCost(id: string): number {
    const c = this.costs.get(id);
    return c ? c.cloudCost + c.energyCost : 0;
  }

  private sortBy(key: SortKey): void {
    this.sort = { key, dir: this.sort.key === key ? (this.sort.dir === 1 ? -1 : 1) : 1 };
  }

  private toggle(id: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(id); else next.delete(id);
    this.selected = next;
  }

  private async bulk(action: BulkAction): Promise<void> {
    const ids = [...this.selected];
    if (ids.length === 0) return;
    const verb = { suspend: "Suspend", resume: "Resume", requeue: "Requeue failed frames of", cancel: "Cancel" }[action];
    const ok = await confirmAction(`${verb} ${ids.length} job${ids.length > 1 ? "s" : ""}?`,
      ids.map((id) => this.jobs.find((j) => j.id === id)?.name ?? id).join(", "), verb.split(" ")[0]!);
    if (!ok) return;
    const failures: string[] = [];
    for (const id of ids) {
      try {
        if (action === "suspend" || action === "resume") await this.api.call("editJob", { params: { id }, body: { suspended: action === "suspend" } });
        else if (action === "cancel") await this.api.call("cancelJob", { params: { id } });
        else await this.api.call("requeueFailed", { params: { id } });
      } catch (err) {
        failures.push(`${id}: ${(err as Error).message}`);
      }
    }
    announce(this, failures.length ? `Some actions failed — ${failures.join("; ")}` : `${verb}: ${ids.length} job(s) done`, failures.length ? "error" : "info");
    this.selected = new Set();
    await this.reload();
  }

  private header(key: SortKey, label: string) {
    const sorted = this.sort.key === key;
    return html`<th scope="col" aria-sort=${sorted ? (this.sort.dir === 1 ? "ascending" : "descending") : "none"}>
      <button class="sort" @click=${() => this.sortBy(key)}>${label}${sorted ? (this.sort.dir === 1 ? " ▲" : " ▼") : ""}</button></th>`;
  }

  override render() {
    const now = farmNow();
    const rows = this.visible();
    const clients = [...new Set(this.jobs.map((j) => j.clientId))].sort();
    const allSelected = rows.length > 0 && rows.every((j) => this.selected.has(j.id));
    return html`
      <h1>Jobs</h1>
      <form class="filters" @submit=${(e: Event) => e.preventDefault()} aria-label="Filter jobs">
        <label>Client <select id="filter-client" @change=${(e: Event) => { this.clientFilter = (e.target as HTMLSelectElement).value; }}>
          <option value="">all</option>${clients.map((c) => html`<option value=${c} ?selected=${c === this.clientFilter}>${c}</option>`)}</select></label>
        <label>Status <select id="filter-status" @change=${(e: Event) => { this.statusFilter = (e.target as HTMLSelectElement).value; }}>
          <option value="">all</option>${statuses.map((s) => html`<option value=${s} ?selected=${s === this.statusFilter}>${s}</option>`)}</select></label>
        <label class="check"><input type="checkbox" id="filter-risk" .checked=${this.atRiskOnly}
          @change=${(e: Event) => { this.atRiskOnly = (e.target as HTMLInputElement).checked; }}> at risk only</label>
        <span class="count" aria-live="polite">${rows.length} of ${this.jobs.length} jobs</span>
      </form>
      <div class="bulk" role="toolbar" aria-label="Actions on selected jobs">
        <span>${this.selected.size} selected</span>
        ${(["suspend", "resume", "requeue", "cancel"] as const).map((a) => html`<button class=${a === "cancel" ? "danger" : "secondary"}
          ?disabled=${this.selected.size === 0} @click=${() => this.bulk(a)}>${{ suspend: "Suspend", resume: "Resume", requeue: "Requeue failed", cancel: "Cancel" }[a]}</button>`)}
      </div>
      ${!this.loaded ? html`<p>Loading…</p>` : html`
      <table class="jobs">
        <caption class="sr-only">Jobs, sorted by ${this.sort.key}</caption>
        <thead><tr>
          <th scope="col"><input type="checkbox" aria-label="Select all shown jobs" .checked=${allSelected}
            @change=${(e: Event) => { const on = (e.target as HTMLInputElement).checked; this.selected = new Set(on ? rows.map((j) => j.id) : []); }}></th>
          ${this.header("name", "Job")}${this.header("client", "Client")}${this.header("status", "Status")}${this.header("priority", "Priority")}
          ${this.header("deadline", "Deadline")}${this.header("finish", "Predicted finish")}${this.header("progress", "Progress")}
          <th scope="col">Frames <span class="sub">done / running / queued / failed</span></th>${this.header("cost", "Cost so far")}
        </tr></thead>
        <tbody>${rows.map((j) => this.row(j, now))}</tbody>
      </table>
      ${rows.length === 0 ? html`<p>No jobs match.</p>` : nothing}`}`;
  }

  private row(j: JobView, now: number) {
    const risk = j.outlook.atRisk || j.outlook.meetsDeadline === false;
    const c = this.costs.get(j.id);
    const p = j.progress;
    return html`<tr class=${risk ? "at-risk" : ""} data-job=${j.id}>
      <td><input type="checkbox" aria-label="Select ${j.name}" .checked=${this.selected.has(j.id)}
        @change=${(e: Event) => this.toggle(j.id, (e.target as HTMLInputElement).checked)}></td>
      <td><a href="#/jobs/${encodeURIComponent(j.id)}">${j.name}</a><div class="sub">${j.why ? j.why.reason : "not planned yet"}</div></td>
      <td>${j.clientId}</td>
      <td><span class="status s-${j.status}">${j.status}</span>${j.suspended && j.status !== "suspended" ? html` <span class="badge">suspended</span>` : nothing}${j.preview.approval === "pending" ? html` <span class="badge">approval</span>` : nothing}</td>
      <td class="num">${j.priority}</td>
      <td>${when(j.deadline)}<div class="sub">${relative(j.deadline, now)}</div></td>
      <td class=${risk ? "risk" : ""}>${when(j.outlook.projectedFinish)}${risk ? html`<div class="risk-label">⚠ ${j.finishedAt ? "late" : "at risk"}</div>` : j.outlook.slackSec !== null ? html`<div class="sub">slack ${Math.round(j.outlook.slackSec / 60)}m</div>` : nothing}</td>
      <td><progress max="1" .value=${p.fraction} aria-label="${j.name} progress"></progress> <span class="num">${Math.round(p.fraction * 100)}%</span></td>
      <td class="num frames"><span class="f-done">${p.done}</span> / <span class="f-running">${p.running}</span> / <span class="f-queued">${p.pending}</span> / <span class="f-failed">${p.failed}</span></td>
      <td class="num">${c ? html`${money(c.energyCost + c.cloudCost)}<div class="sub">energy ${money(c.energyCost)} · cloud ${money(c.cloudCost)}</div>` : money(0)}</td>
    </tr>`;
  }
}
customElements.define("bf-jobs", JobsView);
