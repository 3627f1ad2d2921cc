/// <reference lib="dom" />
/**
 * Job: the frame grid, the latest frames' thumbnails, why it is (not) running and how that sentence changed, and every action
 * a wrangler takes on one job — suspend/resume, requeue failed, cancel, approve the preview,
 * change deadline and priority — each behind a confirmation.
 */
import { html, nothing } from "lit";
import { ApiError, type AuditEvent, type JobCost, type JobTasks, type JobView } from "./api.ts";
import { announce, PollingView } from "./base.ts";
import { farmNow, syncFarmClock } from "./clock.ts";
import { confirmAction } from "./confirm.ts";
import "./frame-grid.ts";
import type { LatestFrames } from "./latest-frames.ts";
import "./latest-frames.ts";
import type { TaskLog } from "./task-log.ts";
import "./task-log.ts";
import { fromLocalInput, money, relative, toLocalInput, when } from "./format.ts";

export class JobDetail extends PollingView {
  declare jobId: string;
  declare job: JobView | null;
  declare tasks: JobTasks | null;
  declare history: AuditEvent[];
  declare cost: JobCost | null;
  declare missing: string | null;

  static override properties = {
    ...PollingView.properties, jobId: { attribute: "job-id" },
    job: { state: true }, tasks: { state: true }, history: { state: true }, cost: { state: true }, missing: { state: true },
  };

  constructor() {
    super();
    this.jobId = "";
    this.job = null;
    this.tasks = null;
    this.history = [];
    this.cost = null;
    this.missing = null;
  }

  protected async refresh(): Promise<void> {
    try {
      const params = { id: this.jobId };
      const [job, tasks, audit, costs] = await Promise.all([
        this.api.call("getJob", { params }), this.api.call("getJobTasks", { params }),
        this.api.call("getAudit", { query: { jobId: this.jobId, limit: 50 } }), this.api.call("getJobCosts", { query: { ids: this.jobId } }),
      ]);
      syncFarmClock(costs.at);
      Object.assign(this, { job, tasks, history: audit.items, cost: costs.items[0] ?? null, missing: null });
      await Promise.all([this.querySelector<TaskLog>("bf-task-log")?.refresh(), this.querySelector<LatestFrames>("bf-latest-frames")?.refresh()]);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) this.missing = err.message;
      else throw err;
    }
  }

  private async act(title: string, detail: string, label: string, run: () => Promise<unknown>): Promise<void> {
    if (!(await confirmAction(title, detail, label))) return;
    try {
      await run();
      announce(this, `${label}: done`);
    } catch (err) {
      announce(this, `${label} failed: ${(err as Error).message}`, "error");
    }
    await this.reload();
  }

  private async saveEdits(e: Event): Promise<void> {
    e.preventDefault();
    const job = this.job!;
    const form = new FormData(e.target as HTMLFormElement);
    const deadline = fromLocalInput(String(form.get("deadline") ?? ""));
    const priority = Number(form.get("priority"));
    const body: { deadline?: string | null; priority?: number } = {};
    if (deadline !== job.deadline && !(deadline && job.deadline && Date.parse(deadline) === Date.parse(job.deadline))) body.deadline = deadline;
    if (priority !== job.priority) body.priority = priority;
    if (Object.keys(body).length === 0) { announce(this, "Nothing changed"); return; }
    const parts = [
      ...("deadline" in body ? [`deadline ${when(job.deadline)} → ${body.deadline ? when(body.deadline) : "none"}`] : []),
      ...("priority" in body ? [`priority ${job.priority} → ${body.priority}`] : []),
    ];
    await this.act(`Change ${job.name}?`, `${parts.join(", ")}. The farm replans within seconds.`, "Save",
      () => this.api.call("editJob", { params: { id: job.id }, body }));
  }

  override render() {
    if (this.missing) return html`<h1>Job ${this.jobId}</h1><p role="alert">${this.missing}</p><p><a href="#/jobs">Back to jobs</a></p>`;
    const j = this.job;
    if (!j) return html`<p>Loading…</p>`;
    const open = j.status === "queued" || j.status === "running" || j.status === "suspended";
    const risk = j.outlook.atRisk || j.outlook.meetsDeadline === false;
    const now = farmNow();
    return html`
      <p><a href="#/jobs">← Jobs</a></p>
      <h1>${j.name} <span class="status s-${j.status}">${j.status}</span></h1>
      <dl class="facts">
        <div><dt>Client</dt><dd>${j.clientId}</dd></div>
        <div><dt>Priority</dt><dd>${j.priority}</dd></div>
        <div><dt>Deadline</dt><dd>${when(j.deadline)} <span class="sub">${relative(j.deadline, now)}</span></dd></div>
        <div class=${risk ? "risk" : ""}><dt>${open ? "Predicted finish" : "Finished"}</dt><dd>${when(j.outlook.projectedFinish)}${risk ? html` <strong class="risk-label">⚠ ${open ? "at risk" : "late"}</strong>` : nothing}</dd></div>
        <div><dt>Progress</dt><dd><progress max="1" .value=${j.progress.fraction} aria-label="progress"></progress> ${j.progress.done}/${j.progress.tasks}</dd></div>
        <div><dt>Cost so far</dt><dd>${money((this.cost?.energyCost ?? 0) + (this.cost?.cloudCost ?? 0))} <span class="sub">energy ${money(this.cost?.energyCost ?? 0)} · cloud ${money(this.cost?.cloudCost ?? 0)}</span></dd></div>
        <div><dt>Preview</dt><dd>${j.preview.previewFirst ? "preview frames first" : "in order"}${j.preview.lowQualityPass ? `, low-quality pass every ${j.preview.lowQualityPass.everyNth}th` : ""}; approval ${j.preview.approval}</dd></div>
      </dl>
      <section aria-labelledby="why-h" class="why">
        <h2 id="why-h">Why</h2>
        <p class="why-now">${j.why ? html`<strong>${j.why.outcome}</strong> — ${j.why.reason} <span class="sub">(plan ${relative(j.why.planAt, now)})</span>` : "Not planned yet."}</p>
      </section>
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <div class="actions">
          ${open && !j.suspended ? html`<button class="secondary" @click=${() => this.act(`Suspend ${j.name}?`, "Running frames finish; no new frames start.", "Suspend", () => this.api.call("editJob", { params: { id: j.id }, body: { suspended: true } }))}>Suspend</button>` : nothing}
          ${open && j.suspended ? html`<button class="secondary" @click=${() => this.act(`Resume ${j.name}?`, "Frames are scheduled again.", "Resume", () => this.api.call("editJob", { params: { id: j.id }, body: { suspended: false } }))}>Resume</button>` : nothing}
          ${j.progress.failed > 0 && j.status !== "canceled" ? html`<button class="secondary" @click=${() => this.act(`Requeue ${j.progress.failed} failed frame(s)?`, "They get fresh retries.", "Requeue", () => this.api.call("requeueFailed", { params: { id: j.id } }))}>Requeue failed</button>` : nothing}
          ${j.preview.approval === "pending" && open ? html`<button @click=${() => this.act(`Approve the preview of ${j.name}?`, "Final frames may then run.", "Approve", () => this.api.call("approveJob", { params: { id: j.id } }))}>Approve preview</button>` : nothing}
          ${open ? html`<button class="danger" @click=${() => this.act(`Cancel ${j.name}?`, "Running frames are stopped at their next poll. This cannot be undone.", "Cancel job", () => this.api.call("cancelJob", { params: { id: j.id } }))}>Cancel job</button>` : nothing}
        </div>
        ${open ? html`<form class="edit" @submit=${(e: Event) => this.saveEdits(e)} aria-label="Deadline and priority">
          <label>Deadline <input type="datetime-local" name="deadline" id="edit-deadline" .value=${toLocalInput(j.deadline)}></label>
          <label>Priority <input type="number" name="priority" id="edit-priority" min="0" max="100" step="1" .value=${String(j.priority)}></label>
          <button type="submit">Save…</button>
        </form>` : nothing}
      </section>
      <section aria-labelledby="frames-h">
        <h2 id="frames-h">Frames</h2>
        <bf-frame-grid .tasks=${this.tasks}></bf-frame-grid>
      </section>
      <section aria-labelledby="latest-h">
        <h2 id="latest-h">Latest frames</h2>
        <bf-latest-frames .api=${this.api} .jobId=${j.id}></bf-latest-frames>
      </section>
      <section aria-labelledby="log-h">
        <h2 id="log-h">Task log</h2>
        <bf-task-log .api=${this.api} .jobId=${j.id} .tasks=${this.tasks}></bf-task-log>
      </section>
      <section aria-labelledby="hist-h">
        <h2 id="hist-h">History</h2>
        <ol class="history">${this.history.map((e) => html`<li><time datetime=${e.at}>${when(e.at)}</time> <strong>${e.action}</strong> ${this.describe(e)} <span class="sub">${e.actor}</span></li>`)}</ol>
      </section>`;
  }

  private describe(e: AuditEvent): string {
    const after = (e.after ?? {}) as Record<string, unknown>;
    if (e.action === "job.why") return String(after.reason);
    if (e.action.startsWith("task.")) return `${e.target.id}${after.nodeId ? ` on ${after.nodeId}` : ""}${after.message ? ` — ${after.message}` : ""}`;
    if (e.before === undefined) return Object.entries(after).map(([k, v]) => `${k} ${fmt(v)}`).join(", ");
    const before = (e.before ?? {}) as Record<string, unknown>;
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    return changed.map((k) => `${k}: ${fmt(before[k])} → ${fmt(after[k])}`).join(", ");
  }
}

function fmt(v: unknown): string {
  if (typeof v === "number" && v > 1e12) return new Date(v).toISOString().slice(0, 16).replace("T", " ");
  return v === undefined ? "—" : String(v);
}
customElements.define("bf-job", JobDetail);
