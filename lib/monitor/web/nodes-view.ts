/// <reference lib="dom" />
/**
 * Nodes: on-prem and cloud, what each is doing and whether it is alive; drain (finish current
 * frames, take no new ones) and enable, each after a confirmation.
 */
import { html, nothing } from "lit";
import { defaultPolicy } from "../../planner/policy.ts";
import { parseTaskId } from "../../planner/task-id.ts";
import type { NodeView } from "./api.ts";
import { announce, PollingView } from "./base.ts";
import { confirmAction } from "./confirm.ts";
import { age, money } from "./format.ts";

/** Silent for a whole lease, the planner treats a node as offline (the farm's default lease). */
const offlineAfterSec = defaultPolicy.leaseSec;

/** What a wrangler calls the node's state: ready, busy, draining, asleep, offline, booting, disabled. */
export function nodeState(n: NodeView): string {
  if (n.lastSeenAgeSec > offlineAfterSec || n.status === "offline") return "offline";
  if (n.status === "draining" || n.desiredStatus === "drain") return "draining";
  if (n.status === "ready" && n.running > 0) return "busy";
  return n.status;
}

const powerState = (n: NodeView) => (n.status === "asleep" ? "asleep" : nodeState(n) === "offline" ? "unknown" : "on");

export class NodesView extends PollingView {
  declare nodes: NodeView[];
  declare poolFilter: string;
  /** Job id → name, for the frames a node is running. */
  declare jobNames: Map<string, string>;
  static override properties = { ...PollingView.properties, nodes: { state: true }, poolFilter: { state: true }, jobNames: { state: true } };

  constructor() {
    super();
    this.nodes = [];
    this.poolFilter = "";
    this.jobNames = new Map();
  }

  protected async refresh(): Promise<void> {
    const [nodes, jobs] = await Promise.all([this.api.call("listNodes"), this.api.call("listJobs", { query: { limit: 100 } })]);
    this.jobNames = new Map(jobs.items.map((j) => [j.id, j.name]));
    this.nodes = nodes.items.sort((a, b) => a.pool.localeCompare(b.pool) || a.id.localeCompare(b.id));
  }

  private async setDrain(n: NodeView, drain: boolean): Promise<void> {
    const title = drain ? `Drain ${n.hostname}?` : `Enable ${n.hostname}?`;
    const detail = drain ? `${n.running} running frame(s) finish; it takes no new work.` : "It takes new work at its next poll.";
    if (!(await confirmAction(title, detail, drain ? "Drain" : "Enable"))) return;
    try {
      await this.api.call(drain ? "drainNode" : "enableNode", { params: { id: n.id } });
      announce(this, `${n.hostname}: ${drain ? "draining" : "enabled"}`);
    } catch (err) {
      announce(this, (err as Error).message, "error");
    }
    await this.reload();
  }

  override render() {
    const rows = this.nodes.filter((n) => !this.poolFilter || n.pool === this.poolFilter);
    const count = (s: string) => this.nodes.filter((n) => nodeState(n) === s).length;
    return html`
      <h1>Nodes</h1>
      <p class="summary">${this.nodes.length} nodes: ${["ready", "busy", "draining", "asleep", "offline"].map((s) => `${count(s)} ${s}`).join(", ")}; ${this.nodes.filter((n) => n.pool === "cloud").length} cloud</p>
      <form class="filters" @submit=${(e: Event) => e.preventDefault()} aria-label="Filter nodes">
        <label>Pool <select id="filter-pool" @change=${(e: Event) => { this.poolFilter = (e.target as HTMLSelectElement).value; }}>
          <option value="">all</option><option value="onprem">on-prem</option><option value="cloud">cloud</option></select></label>
      </form>
      <table class="nodes">
        <thead><tr>
          <th scope="col">Node</th><th scope="col">Pool</th><th scope="col">State</th><th scope="col">Power</th><th scope="col">CPU</th><th scope="col">Memory</th>
          <th scope="col">Last seen</th><th scope="col">Current frames</th><th scope="col">Instance</th><th scope="col">Price/h</th><th scope="col">Action</th>
        </tr></thead>
        <tbody>${rows.map((n) => this.row(n))}</tbody>
      </table>`;
  }

  private row(n: NodeView) {
    const state = nodeState(n);
    const meter = (v: number | undefined, label: string) => v === undefined ? "—"
      : html`<meter min="0" max="100" low="70" high="90" optimum="20" .value=${v} aria-label="${n.hostname} ${label}"></meter> ${Math.round(v)}%`;
    return html`<tr data-node=${n.id} class="state-${state}">
      <th scope="row">${n.hostname}<div class="sub">${n.id} · ${n.capabilities.vcpu} vCPU${n.capabilities.gpuCount ? ` · ${n.capabilities.gpuCount}× ${n.capabilities.gpuModel ?? "GPU"}` : ""} · ${n.slots} slot(s)</div></th>
      <td>${n.pool === "onprem" ? "on-prem" : "cloud"}</td>
      <td><span class="status n-${state}">${state}</span></td>
      <td>${powerState(n)}</td>
      <td>${meter(n.metrics?.cpuPct, "CPU")}</td>
      <td>${meter(n.metrics?.memoryPct, "memory")}</td>
      <td class="num">${age(n.lastSeenAgeSec)} ago</td>
      <td>${(n.holding ?? []).length === 0 ? html`<span class="sub">idle</span>` : (n.holding ?? []).map((h) => {
        const t = parseTaskId(h.taskId);
        return html`<div><a href="#/jobs/${encodeURIComponent(t.jobId)}">${this.jobNames.get(t.jobId) ?? t.jobId}</a> ${t.stepName} task ${t.taskIndex} <span class="sub">${Math.round(h.progress * 100)}%</span></div>`;
      })}</td>
      <td>${n.instanceType ? html`${n.instanceType}<div class="sub">${n.market ?? ""}</div>` : "—"}</td>
      <td class="num">${n.pricePerHour !== undefined ? money(n.pricePerHour) : "—"}</td>
      <td>${state === "draining" || n.status === "disabled"
        ? html`<button class="secondary" @click=${() => this.setDrain(n, false)}>Enable<span class="sr-only"> ${n.hostname}</span></button>`
        : state === "offline" ? nothing : html`<button class="secondary" @click=${() => this.setDrain(n, true)}>Drain<span class="sr-only"> ${n.hostname}</span></button>`}</td>
    </tr>`;
  }
}
customElements.define("bf-nodes", NodesView);
