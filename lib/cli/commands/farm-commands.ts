/** Farm commands: nodes, drain, enable, clients (shares), usage, audit. */
import { Command } from "commander";
import type { CliContext } from "../cli-context.ts";
import { CliError, exitCodes } from "../exit-codes.ts";
import { fixed, json, money, table, when } from "../format.ts";

const day = (name: string) => (v: string) => {
  if (!/^\d{4}-\d\d-\d\d$/.test(v)) throw new CliError(`${name}: expected YYYY-MM-DD, got "${v}"`, exitCodes.usage);
  return v;
};

/**
 * Each client's share of the on-prem farm: guaranteed slots (share × on-prem slots), slots its
 * jobs hold now, and how many of those are borrowed beyond the guarantee.
 */
export function clientShares(clients: any[], nodes: any[], jobs: any[]) {
  const onprem = nodes.filter((n) => n.pool === "onprem");
  const slots = onprem.reduce((s, n) => s + n.slots, 0);
  return clients.map((c) => {
    const used = jobs.filter((j) => j.clientId === c.id).reduce((s, j) => s + j.progress.running, 0);
    const guaranteed = Math.floor(c.guaranteedShare * slots);
    return {
      clientId: c.id, name: c.name, guaranteedShare: c.guaranteedShare, maxShare: c.maxShare, guaranteedSlots: guaranteed,
      usedSlots: used, borrowedSlots: Math.max(0, used - guaranteed), cloudAllowed: c.cloudAllowed, cloudBudgetLeft: c.cloudBudgetLeft,
    };
  });
}

export function farmCommands(ctx: CliContext): Command[] {
  const { io } = ctx;
  const nodes = new Command("nodes").description("every render node: status, pool, capabilities, running tasks, last seen")
    .option("--json", "print the API's node views")
    .action(async (o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const { items } = await api.get("/nodes");
      if (o.json) return void io.out.write(json(items));
      io.out.write(items.length === 0 ? "no nodes\n" : table(["node", "pool", "status", "running", "hardware", "tags", "seen", "price"], items.map((n: any) => [
        n.id, n.pool + (n.market ? `/${n.market}` : ""), n.status + (n.desiredStatus !== "run" ? `→${n.desiredStatus}` : ""), `${n.running}/${n.slots}`,
        `${n.capabilities.vcpu}c ${n.capabilities.memoryGiB}G${n.capabilities.gpuCount ? ` ${n.capabilities.gpuCount}×${n.capabilities.gpuModel ?? "GPU"}` : ""}`,
        n.tags.join(","), Number.isFinite(n.lastSeenAgeSec) ? `${Math.round(n.lastSeenAgeSec)}s ago` : "—", n.pricePerHour !== undefined ? `${money(n.pricePerHour)}/h` : "—",
      ])));
    });

  const nodeAction = (name: "drain" | "enable", description: string) => new Command(name).description(description)
    .argument("<node>", "node id").option("--json", "print the node view")
    .action(async (id: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const n = await api.request("POST", `/nodes/${encodeURIComponent(id)}/${name}`);
      io.out.write(o.json ? json(n) : `${n.id}: ${n.status}, desired ${n.desiredStatus}\n`);
    });

  const clients = new Command("clients").description("clients and their shares of the farm: guaranteed / used / borrowed, cloud budget")
    .option("--json", "print the shares as JSON")
    .action(async (o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const [c, n, j] = await Promise.all([api.get("/clients"), api.get("/nodes"), api.all("/jobs", { status: "running" })]);
      const shares = clientShares(c.items, n.items, j);
      if (o.json) return void io.out.write(json(shares));
      io.out.write(table(["client", "guaranteed", "max", "used", "borrowed", "cloud", "budget left"], shares.map((s) => [
        s.clientId, `${Math.round(s.guaranteedShare * 100)}% (${s.guaranteedSlots} slots)`, `${Math.round(s.maxShare * 100)}%`, String(s.usedSlots), String(s.borrowedSlots),
        s.cloudAllowed ? "allowed" : "no", money(s.cloudBudgetLeft),
      ])));
    });

  const usage = new Command("usage").description("node-hours, cloud cost and energy by client (what the farm bills by)")
    .option("--client <id>", "one client (clients: their own)")
    .option("--from <day>", "first day, YYYY-MM-DD (default: 30 days ago)", day("--from"))
    .option("--to <day>", "last day, YYYY-MM-DD (default: today)", day("--to"))
    .option("--json", "print the API's usage views")
    .action(async (o, cmd: Command) => {
      const conn = ctx.connect(cmd);
      const from = o.from ?? new Date(Date.now() - 30 * 864e5).toISOString().slice(0, 10);
      const to = o.to ?? new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
      const ids: string[] = o.client ? [o.client] : conn.clientId ? [conn.clientId] : (await conn.api.get("/clients")).items.map((c: any) => c.id);
      const views = await Promise.all(ids.map((id) => conn.api.get(`/clients/${encodeURIComponent(id)}/usage`, { from, to })));
      if (o.json) return void io.out.write(json(views));
      io.out.write(table(["client", "on-prem h", "cloud h", "cloud cost", "energy kWh", "energy cost", "tasks"], views.map((v: any) => [
        v.clientId, fixed(v.totals.onpremNodeHours, 2), fixed(v.totals.cloudNodeHours, 2), money(v.totals.cloudCost),
        fixed(v.totals.energyKWh, 1), money(v.totals.energyCost), String(v.totals.tasks),
      ])));
    });

  const audit = new Command("audit").description("who did what, when (newest first)")
    .option("--job <id>", "one job's trail").option("--client <id>", "one client's trail")
    .option("--from <when>", "ISO date-time or epoch ms").option("--to <when>", "ISO date-time or epoch ms")
    .option("--limit <n>", "at most this many", (v) => Number(v), 50)
    .option("--json", "print the API's audit events")
    .action(async (o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const items = await api.all("/audit", { jobId: o.job, clientId: o.client, from: o.from, to: o.to }, o.limit);
      const shown = items.slice(0, o.limit);
      if (o.json) return void io.out.write(json(shown));
      io.out.write(shown.length === 0 ? "no events\n" : table(["at", "actor", "action", "target"], shown.map((e: any) => [when(e.at), e.actor, e.action, `${e.target.type} ${e.target.id}`])));
    });

  return [nodes, nodeAction("drain", "finish running tasks on a node, take no new ones"), nodeAction("enable", "return a drained node to service"), clients, usage, audit];
}
