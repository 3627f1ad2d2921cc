/// <reference lib="dom" />
/**
 * Farm: utilization over time, power draw against the tariff, what the cloud costs per hour
 * (now, against the farm's ceiling: GET /farm `cloud`) and against each client's budget, each client's guaranteed vs used vs borrowed share, and
 * the deadlines at risk.
 */
import { html, nothing } from "lit";
import uPlot from "uplot";
import type { ClientView, FarmHistory, FarmView } from "./api.ts";
import { PollingView } from "./base.ts";
import { farmNow, syncFarmClock } from "./clock.ts";
import "./chart.ts";
import { money, pct, relative, when } from "./format.ts";

const sec = (iso: string) => Date.parse(iso) / 1000;
const windows = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000 } as const;
type Window = keyof typeof windows;

export class FarmViewElement extends PollingView {
  declare farm: FarmView | null;
  declare history: FarmHistory | null;
  declare clients: ClientView[];
  declare window: Window;
  static override properties = { ...PollingView.properties, farm: { state: true }, history: { state: true }, clients: { state: true }, window: { state: true } };

  constructor() {
    super();
    this.farm = null;
    this.history = null;
    this.clients = [];
    this.window = "6h";
  }

  protected async refresh(): Promise<void> {
    const farm = await this.api.call("getFarm");
    syncFarmClock(farm.at);
    const to = Date.parse(farm.at);
    const [history, clients] = await Promise.all([
      this.api.call("getFarmHistory", { query: { from: String(to - windows[this.window]), to: String(to) } }),
      this.api.call("listClients"),
    ]);
    Object.assign(this, { farm, history, clients: clients.items });
  }

  override render() {
    const f = this.farm;
    if (!f || !this.history) return html`<h1>Farm</h1><p>Loading…</p>`;
    const now = farmNow();
    return html`
      <h1>Farm</h1>
      <div class="cards">
        <div class="card"><h2>Utilization</h2><p class="big">${pct(f.utilization)}</p><p class="sub">busy slots of usable</p></div>
        <div class="card"><h2>Nodes</h2><p class="big">${f.nodes.total}</p><p class="sub">${f.nodes.busy} busy · ${f.nodes.ready} ready · ${f.nodes.draining} draining · ${f.nodes.offline} offline · ${f.nodes.cloud} cloud</p></div>
        <div class="card"><h2>Jobs</h2><p class="big">${f.jobs.active}</p><p class="sub">${f.jobs.running} running · ${f.jobs.queued} queued · ${f.jobs.suspended} suspended</p></div>
        <div class="card"><h2>Cost today</h2><p class="big">${money(f.costsToday.energyCost + f.costsToday.cloudCost)}</p><p class="sub">energy ${money(f.costsToday.energyCost)} (${f.costsToday.energyKWh.toFixed(1)} kWh) · cloud ${money(f.costsToday.cloudCost)}</p></div>
        ${this.cloudCeiling()}
        <div class="card ${f.deadlinesAtRisk.length ? "risk" : ""}"><h2>Deadlines at risk</h2><p class="big">${f.deadlinesAtRisk.length}</p><p class="sub">${f.pendingBurst} cloud node(s) requested · plan ${relative(f.lastPlanAt, now)}</p></div>
      </div>
      <label class="window">Window <select id="farm-window" @change=${(e: Event) => { this.window = (e.target as HTMLSelectElement).value as Window; void this.reload(); }}>
        ${Object.keys(windows).map((w) => html`<option ?selected=${w === this.window}>${w}</option>`)}</select></label>
      <div class="charts">
        <section aria-labelledby="util-h"><h2 id="util-h">Utilization over time</h2>${this.utilizationChart()}</section>
        <section aria-labelledby="energy-h"><h2 id="energy-h">Power draw over the tariff</h2>${this.energyChart()}</section>
        <section aria-labelledby="cloud-h"><h2 id="cloud-h">Spend rate: cloud and energy</h2>${this.cloudChart()}</section>
      </div>
      <div class="two">
        <section aria-labelledby="shares-h"><h2 id="shares-h">Client shares (slots, last plan)</h2>${this.shares()}</section>
        <section aria-labelledby="budget-h"><h2 id="budget-h">Cloud spend against budgets (this month)</h2>${this.budgets()}</section>
      </div>
      <section aria-labelledby="risk-h"><h2 id="risk-h">Deadlines at risk</h2>
        ${f.deadlinesAtRisk.length === 0 ? html`<p>None — every planned job is on time.</p>` : html`<ul class="risks">${f.deadlinesAtRisk.map((d) =>
          html`<li><a href="#/jobs/${encodeURIComponent(d.jobId)}">${d.name}</a> (${d.clientId}) due ${when(d.deadline)} — ${d.reason}</li>`)}</ul>`}
      </section>`;
  }

  /** Live cloud spend per hour against the farm's ceiling, and instances against their maximum. */
  private cloudCeiling() {
    const { livePerHour, liveInstances, limits } = this.farm!.cloud;
    const spend = limits.maxSpendPerHour;
    const most = limits.maxInstances;
    const near = (v: number, max: number | null) => max !== null && v >= 0.8 * max;
    return html`<div class="card cloud-ceiling ${near(livePerHour, spend) || near(liveInstances, most) ? "risk" : ""}"><h2>Cloud now</h2>
      <p class="big">${money(livePerHour)}/h</p>
      <p class="sub">${spend === null ? "no spend ceiling" : html`of ${money(spend)}/h ceiling
        <meter min="0" max=${spend} high=${0.8 * spend} .value=${livePerHour} aria-label="cloud spend per hour against the farm's ceiling"></meter>`}</p>
      <p class="sub">${most === null ? html`${liveInstances} instance(s), no maximum` : html`${liveInstances} of ${most} instances
        <meter min="0" max=${most} high=${0.8 * most} .value=${liveInstances} aria-label="cloud instances against the farm's maximum"></meter>`}</p></div>`;
  }

  private utilizationChart() {
    const s = this.history!.samples;
    const data: uPlot.AlignedData = [s.map((x) => sec(x.at)), s.map((x) => x.busySlots), s.map((x) => x.usableSlots)];
    const last = s[s.length - 1];
    return html`<bf-chart .data=${data} .options=${utilizationOptions}
      summary=${last ? `${s.length} samples; now ${last.busySlots} of ${last.usableSlots} slots busy` : "no samples yet"}></bf-chart>`;
  }

  private energyChart() {
    const h = this.history!;
    const t = h.tariff;
    const times = new Set(h.samples.map((x) => sec(x.at)));
    for (const slot of t?.slots ?? []) { times.add(sec(slot.startAt)); times.add(sec(slot.endAt) - 1); }
    const xs = [...times].sort((a, b) => a - b);
    const byAt = new Map(h.samples.map((x) => [sec(x.at), x.powerKW]));
    const price = (x: number) => {
      if (!t) return null;
      const slot = t.slots.find((p) => sec(p.startAt) <= x && x < sec(p.endAt));
      return slot ? slot.pricePerKWh : t.defaultPricePerKWh;
    };
    const data: uPlot.AlignedData = [xs, xs.map((x) => byAt.get(x) ?? null), xs.map(price)];
    return html`<bf-chart .data=${data} .options=${energyOptions(t?.currency ?? "")}
      summary=${t ? `farm power in kW against the ${t.currency} per kWh tariff, ${t.slots.length} price periods` : "no tariff configured"}></bf-chart>`;
  }

  private cloudChart() {
    const s = this.history!.samples;
    // Energy $/h = farm power × the price in force: the tariff's effect on what the farm costs to run.
    const data: uPlot.AlignedData = [s.map((x) => sec(x.at)), s.map((x) => x.cloudPerHour), s.map((x) => (x.pricePerKWh ?? 0) * x.powerKW), s.map((x) => x.nodes.cloud)];
    return html`<bf-chart .data=${data} .options=${cloudOptions} summary="cloud and energy spend per hour, and cloud node count, over time"></bf-chart>`;
  }

  private shares() {
    const last = this.history!.samples.at(-1);
    if (!last || last.shares.length === 0) return html`<p>No plan with client demand yet.</p>`;
    const name = (id: string) => this.clients.find((c) => c.id === id)?.name ?? id;
    const max = Math.max(1, ...last.shares.map((s) => Math.max(s.usedSlots, s.guaranteedSlots)));
    return html`<table class="shares"><thead><tr><th scope="col">Client</th><th scope="col">Guaranteed</th><th scope="col">Used</th><th scope="col">Borrowed</th><th scope="col"><span class="sr-only">Bar</span></th></tr></thead>
      <tbody>${last.shares.map((s) => html`<tr><th scope="row">${name(s.clientId)}</th><td class="num">${s.guaranteedSlots}</td><td class="num">${s.usedSlots}</td><td class="num">${s.borrowedSlots}</td>
        <td class="sharebar" aria-hidden="true"><span class="used" style="width:${(100 * (s.usedSlots - s.borrowedSlots)) / max}%"></span><span class="borrowed" style="width:${(100 * s.borrowedSlots) / max}%"></span><span class="guarantee" style="left:${(100 * s.guaranteedSlots) / max}%"></span></td></tr>`)}</tbody></table>
      <p class="sub">Bar: used within the guarantee, <span class="key-borrowed">borrowed</span> beyond it; the mark is the guarantee.</p>`;
  }

  private budgets() {
    if (this.clients.length === 0) return nothing;
    const rows = this.clients.map((c) => ({ c, spent: Math.max(0, c.cloudBudgetPerMonth - c.cloudBudgetLeft) }));
    const ceiling = rows.reduce((s, r) => s + r.c.cloudBudgetPerMonth, 0);
    const spent = rows.reduce((s, r) => s + r.spent, 0);
    return html`<table class="budgets"><thead><tr><th scope="col">Client</th><th scope="col">Cloud</th><th scope="col">Spent</th><th scope="col">Budget</th><th scope="col">Used</th></tr></thead>
      <tbody>${rows.map(({ c, spent: s }) => html`<tr><th scope="row">${c.name}</th><td>${c.cloudAllowed ? "allowed" : "off"}</td><td class="num">${money(s)}</td><td class="num">${money(c.cloudBudgetPerMonth)}</td>
        <td><meter min="0" max=${Math.max(1, c.cloudBudgetPerMonth)} high=${0.8 * c.cloudBudgetPerMonth} .value=${s} aria-label="${c.name} budget used"></meter></td></tr>`)}
      <tr class="total"><th scope="row">All clients (sum of budgets)</th><td></td><td class="num">${money(spent)}</td><td class="num">${money(ceiling)}</td>
        <td><meter min="0" max=${Math.max(1, ceiling)} high=${0.8 * ceiling} .value=${spent} aria-label="all clients' cloud spend against the sum of their budgets"></meter></td></tr></tbody></table>`;
  }
}

const axis = { stroke: "#222", grid: { stroke: "#e3e3e3" }, ticks: { stroke: "#ccc" } };

const utilizationOptions: Omit<uPlot.Options, "width" | "height"> = {
  series: [{}, { label: "busy slots", stroke: "#1f5fbf", width: 2, fill: "rgba(31,95,191,0.12)" }, { label: "usable slots", stroke: "#555", dash: [6, 4], width: 1.5 }],
  axes: [axis, { ...axis, label: "slots" }],
  scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
};

const energyOptions = (currency: string): Omit<uPlot.Options, "width" | "height"> => ({
  series: [{}, { label: "power kW", stroke: "#b35900", width: 2, spanGaps: true, scale: "kw", fill: "rgba(179,89,0,0.15)" },
    { label: `price ${currency}/kWh`, stroke: "#2d7d2d", width: 2, scale: "price", paths: uPlot.paths.stepped!({ align: 1 }) }],
  axes: [axis, { ...axis, scale: "kw", label: "kW" }, { ...axis, scale: "price", side: 1, label: `${currency}/kWh`, grid: { show: false } }],
    // Price kept in the lower part of the plot, power's area above it, so the two rarely overlap.
  scales: { kw: { range: (_u, _min, max) => [0, Math.max(1, max * 1.25)] }, price: { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.8)] } },
});

const cloudOptions: Omit<uPlot.Options, "width" | "height"> = {
  series: [{}, { label: "cloud $/h", stroke: "#7a2da3", width: 2, scale: "usd" }, { label: "energy $/h", stroke: "#b35900", width: 2, scale: "usd" },
    { label: "cloud nodes", stroke: "#777", width: 1, dash: [4, 4], scale: "n" }],
  axes: [axis, { ...axis, scale: "usd", label: "$/h" }, { ...axis, scale: "n", side: 1, label: "nodes", grid: { show: false } }],
  scales: { usd: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, n: { range: (_u, _min, max) => [0, Math.max(1, max + 1)] } },
};
customElements.define("bf-farm", FarmViewElement);
