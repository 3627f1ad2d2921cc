/// <reference lib="dom" />
/** One cell per task, coloured by state; preview frames outlined; hover/focus names frame and node. */
import { html, nothing } from "lit";
import type { JobTasks } from "./api.ts";
import { LightElement } from "./base.ts";
import { taskFrames } from "./format.ts";

type Step = JobTasks["steps"][number];
type State = "done" | "running" | "queued" | "failed" | "pending" | "stopped";

/** More cells than this is a wall, not a picture: the rest is summarised. */
const maxCells = 2400;

function paint(step: Step): State[] {
  const states: State[] = Array(Math.min(step.taskCount, maxCells)).fill("stopped");
  const fill = (ranges: { from: number; to: number }[], s: State) => {
    for (const r of ranges) for (let i = r.from; i <= Math.min(r.to, states.length - 1); i++) states[i] = s;
  };
  fill(step.pending, "pending");
  fill(step.failed, "failed");
  fill(step.done, "done");
  for (const l of step.running) if (l.taskIndex < states.length) states[l.taskIndex] = l.queued ? "queued" : "running";
  return states;
}

export class FrameGrid extends LightElement {
  declare tasks: JobTasks | null;
  static override properties = { tasks: { attribute: false } };

  constructor() {
    super();
    this.tasks = null;
  }

  override render() {
    if (!this.tasks) return html`<p>Loading frames…</p>`;
    return html`
      <ul class="legend" aria-label="Legend">
        ${(["done", "running", "queued", "pending", "failed", "stopped"] as const).map((s) => html`<li><span class="cell c-${s}"></span>${s === "queued" ? "next on a node" : s}</li>`)}
        <li><span class="cell c-pending preview"></span>preview frame</li>
      </ul>
      ${this.tasks.steps.map((s) => this.step(s))}`;
  }

  private step(step: Step) {
    const states = paint(step);
    const preview = new Set(step.previewTasks);
    const node = new Map(step.running.map((l) => [l.taskIndex, l.nodeId]));
    const count = (s: State) => states.filter((x) => x === s).length;
    const summary = `${step.name}: ${step.taskCount} tasks — ${count("done")} done, ${count("running")} running, ${count("pending") + count("queued")} waiting, ${count("failed")} failed`;
    return html`<section class="step">
      <h3>${step.name} <span class="sub">${step.role === "preview" ? "low-quality preview pass" : step.kind} · ${step.taskCount} tasks</span></h3>
      <div class="grid" role="img" aria-label=${summary} data-step=${step.name}>
        ${states.map((s, i) => html`<span class="cell c-${s}${preview.has(i) ? " preview" : ""}" data-state=${s}
          title="${taskFrames(step.frames, step.framesPerTask, i)} · ${s}${node.has(i) ? ` on ${node.get(i)}` : ""}${step.failedAttempts[String(i)] ? ` · ${step.failedAttempts[String(i)]} failed attempt(s)` : ""}${preview.has(i) ? " · preview" : ""}"></span>`)}
      </div>
      ${step.taskCount > maxCells ? html`<p class="sub">Showing the first ${maxCells} of ${step.taskCount} tasks.</p>` : nothing}
    </section>`;
  }
}
customElements.define("bf-frame-grid", FrameGrid);
