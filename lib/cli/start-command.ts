/**
 * `npm start` / `burstfarm start`: the local farm (lib/local) with live progress in the terminal,
 * or with `--until-done --json` one JSON summary at the end. Ctrl-C stops cleanly: agents drain,
 * servers close, the farm clock is saved, and the next start resumes the same farm (a second
 * Ctrl-C a second or more later forces the exit: stop-signals.ts).
 */
import type { Command } from "commander";
import { startLocalFarm, type LocalFarm } from "../local/local-farm.ts";
import { demoJobs, demoNodes, openJdOutputDir, timeZone } from "../local/demo/demo-farm.ts";
import { readFarmStatus, statusLines, tariffText } from "../local/farm-status.ts";
import { localAgentHost } from "../local/local-agents.ts";
import { localLimits } from "../local/local-cloud.ts";
import { farmSummary } from "../local/summary.ts";
import type { CliContext } from "./cli-context.ts";
import { CliError, exitCodes } from "./exit-codes.ts";
import { json } from "./format.ts";
import { ProgressView } from "./progress-view.ts";
import { stopSignals } from "./stop-signals.ts";

export interface StartOptions {
  fresh?: boolean;
  demo?: boolean;
  untilDone?: boolean;
  json?: boolean;
  speed?: number;
  at?: string;
  port?: number;
  maxSpendPerHour?: number;
  maxInstances?: number;
  greedy?: boolean;
}

const finished = (s: string) => s === "done" || s === "failed" || s === "canceled";

function clockText(farm: LocalFarm): string {
  const at = farm.clock.now();
  const wall = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(at);
  return `farm clock ${wall} Los Angeles (${farm.clock.speed}× real time)`;
}

export async function startCommand(ctx: CliContext, o: StartOptions, _cmd?: Command): Promise<number> {
  const { io } = ctx;
  if (o.json && !o.untilDone) throw new CliError("--json goes with --until-done (the live view is for people)", exitCodes.usage);
  const startAt = o.at === undefined ? undefined : Date.parse(o.at);
  if (startAt !== undefined && Number.isNaN(startAt)) throw new CliError(`--at: "${o.at}" is not an ISO date-time`, exitCodes.usage);
  // The SDK's Node-version notice would land in the middle of the progress bars.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

  const realStart = Date.now();
  const farm = await startLocalFarm({
    ...(o.fresh ? { fresh: true } : {}), ...(o.speed ? { speed: o.speed } : {}), ...(startAt !== undefined ? { startAt } : {}),
    ...(o.port ? { port: o.port } : {}), agentHost: localAgentHost, ...(o.greedy ? { greedy: true } : {}),
    cloudLimits: { maxSpendPerHour: o.maxSpendPerHour ?? localLimits.maxSpendPerHour, maxInstances: o.maxInstances ?? localLimits.maxInstances },
  });
  const log = (s: string) => void (o.json ? io.err : io.out).write(s);
  if (farm.resumed && startAt !== undefined) log(`note: --at applies to a fresh farm; resuming the farm in ${farm.files.dir} at its own clock\n`);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= farm.stop());
  const signal = stopSignals();
  const onSignal = () => {
    const what = signal();
    if (what === "force") process.exit(130);
    if (what === "ignore") return;
    log("\nstopping: agents drain, servers close (Ctrl-C again to force)…\n");
    void stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const submitted: { id: string; at: number }[] = [];
    const openJdFolders: Record<string, string> = {};
    if (o.demo === true || (o.demo === undefined && !farm.resumed)) {
      for (const s of demoJobs(farm.clock.now(), farm.files.outputsDir)) {
        const job = await farm.client(s.client).request("POST", "/jobs", { body: s.body });
        submitted.push({ id: job.id, at: Date.now() });
        if ("template" in s.body) openJdFolders[job.id] = openJdOutputDir(farm.files.outputsDir);
      }
    }
    log(`burstfarm local farm ${farm.resumed ? "resumed" : "started"} in ${((Date.now() - realStart) / 1000).toFixed(1)} s\n` +
      `  API      ${farm.config.apiUrl}   (tokens in ${farm.files.configPath}; try \`npx burstfarm jobs\`)\n` +
      (farm.config.monitorUrl ? `  monitor  ${farm.config.monitorUrl}\n` : "") +
      `  frames   ${farm.files.outputsDir}\n` +
      `  agents   more machines: \`npx burstfarm agent --api ${farm.config.agentApiUrl} --registration-secret <registrationSecret in local.json>\`\n` +
      `  time     the farm clock runs ${farm.clock.speed}× faster than real time: 1 real second = ${farm.clock.speed} farm seconds\n` +
      `  stop     Ctrl-C (the next \`npm start\` resumes this farm; \`npm start -- --fresh\` starts empty)\n\n`);

    const api = farm.operator();
    const usageFrom = new Date(farm.clock.now() - 864e5).toISOString().slice(0, 10);
    const settings = await farm.wired.deps.plans.settings();
    const view = o.json ? undefined : new ProgressView(io.out as NodeJS.WriteStream, 2);
    try {
      while (!stopping) {
        const status = await readFarmStatus(api, usageFrom);
        view?.update(status.jobs, statusLines(status, clockText(farm), tariffText(settings, status.at, timeZone)));
        if (o.untilDone && status.jobs.length > 0 && status.jobs.every((j) => finished(j.status))) break;
        await ctx.sleep(1000);
      }
    } finally {
      view?.stop();
    }
    if (stopping) { await stopping; return exitCodes.ok; }
    const summary = await farmSummary({
      api, manifest: farm.outputs.entries(), openJdFolders, submittedAt: submitted.map((x) => x.at),
      previewWave: demoNodes.length, farmNow: farm.clock.now(), ...(farm.planOfRecord ? { planCounts: { ...farm.planOfRecord.counts } } : {}),
    });
    await stop();
    io.out.write(o.json ? JSON.stringify(summary) + "\n" : `\nall jobs finished\n${json(summary)}`);
    return exitCodes.ok;
  } finally {
    await stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
