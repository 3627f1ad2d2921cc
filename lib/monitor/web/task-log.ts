/// <reference lib="dom" />
/**
 * The tail of one task's log (the agent uploads each attempt's log to the output store; the API
 * serves its last megabyte). Failed and running tasks are offered first; the tail follows the
 * job view's polling while it is open.
 */
import { html, nothing, type PropertyValues } from "lit";
import { taskId as taskIdOf } from "../../planner/task-id.ts";
import { ApiError, type Api, type JobTasks } from "./api.ts";
import { LightElement } from "./base.ts";
import { taskFrames } from "./format.ts";

const tailLines = 40;
const maxChoices = 60;

interface Choice { id: string; label: string }

export function logChoices(jobId: string, tasks: JobTasks | null): Choice[] {
  const out: Choice[] = [];
  for (const s of tasks?.steps ?? []) {
    const label = (i: number, state: string) => `${s.name} · ${taskFrames(s.frames, s.framesPerTask, i)} · ${state}`;
    for (const r of s.failed) for (let i = r.from; i <= r.to && out.length < maxChoices; i++) out.push({ id: taskIdOf(jobId, s.name, i), label: label(i, "failed") });
    for (const l of s.running) if (out.length < maxChoices) out.push({ id: taskIdOf(jobId, s.name, l.taskIndex), label: label(l.taskIndex, l.queued ? "next" : "running") });
    for (const r of [...s.done].reverse()) for (let i = r.to; i >= r.from && out.length < maxChoices; i--) out.push({ id: taskIdOf(jobId, s.name, i), label: label(i, "done") });
  }
  return out;
}

export class TaskLog extends LightElement {
  declare api: Api;
  declare jobId: string;
  declare tasks: JobTasks | null;
  declare selected: string;
  declare text: string | null;
  declare note: string;
  static override properties = { api: { attribute: false }, jobId: {}, tasks: { attribute: false }, selected: { state: true }, text: { state: true }, note: { state: true } };

  constructor() {
    super();
    this.jobId = "";
    this.tasks = null;
    this.selected = "";
    this.text = null;
    this.note = "";
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Another job (the view is reused when only the address's job id changes): its task is not this one's.
    if (changed.has("jobId") && changed.get("jobId")) Object.assign(this, { selected: "", text: null, note: "" });
  }

  override updated(): void {
    // The choice the user made stays in the <select> across re-renders; this makes it follow `selected`.
    const select = this.querySelector<HTMLSelectElement>("#log-task");
    if (select && select.value !== this.selected) select.value = this.selected;
  }

  /** Called by the job view on each poll. */
  async refresh(): Promise<void> {
    if (!this.selected) return;
    try {
      const r = await this.api.call("getTaskLog", { params: { id: this.jobId, taskId: this.selected } });
      this.text = r.log.split("\n").slice(-tailLines).join("\n");
      this.note = r.truncated ? "older lines not shown" : "";
    } catch (err) {
      this.text = null;
      this.note = err instanceof ApiError && err.status === 404 ? "No log uploaded for this task yet." : (err as Error).message;
    }
  }

  override render() {
    const choices = logChoices(this.jobId, this.tasks);
    return html`
      <label>Task <select id="log-task" @change=${(e: Event) => { this.selected = (e.target as HTMLSelectElement).value; void this.refresh(); }}>
        <option value="">choose a task…</option>
        ${choices.map((c) => html`<option value=${c.id} ?selected=${c.id === this.selected}>${c.label}</option>`)}
      </select></label>
      ${this.note ? html`<p class="sub">${this.note}</p>` : nothing}
      ${this.text !== null ? html`<pre class="log" tabindex="0" aria-label="Last ${tailLines} lines of the task log">${this.text}</pre>` : nothing}`;
  }
}
customElements.define("bf-task-log", TaskLog);
