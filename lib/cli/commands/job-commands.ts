/**
 * Job commands: submit, jobs, job, why, edit, cancel, approve, requeue. Each is parse → one or
 * two API calls → print (a table, or the API's own JSON with --json).
 */
import { Command, Option } from "commander";
import type { ApiClient } from "../../http/client/api-client.ts";
import type { CliContext } from "../cli-context.ts";
import { CliError, exitCodes } from "../exit-codes.ts";
import { duration, json, money, parseInstant, table, when } from "../format.ts";
import { outlookText, whyText, type JobSnapshot } from "../progress-view.ts";
import { submissionBody } from "../submission.ts";
import { watchJobs } from "../watch-jobs.ts";
import { listAllJobs } from "../list-jobs.ts";

const collect = (v: string, prev: string[] = []) => [...prev, v];
const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`${name}: expected an integer, got "${v}"`, exitCodes.usage);
  return n;
};
const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new CliError(`${name}: expected a positive number, got "${v}"`, exitCodes.usage);
  return n;
};

/** The farm's clock (local mode runs faster than real time): from GET /farm when allowed. */
async function farmNow(api: ApiClient): Promise<number> {
  try { return Date.parse((await api.get<{ at: string }>("/farm")).at); } catch { return Date.now(); }
}

async function deadlineOption(api: ApiClient, text: string | undefined): Promise<string | null | undefined> {
  if (text === undefined) return undefined;
  const at = parseInstant(text, text.startsWith("+") ? await farmNow(api) : Date.now());
  if (at === undefined) throw new CliError(`--deadline: "${text}" is not an ISO date-time with zone (2026-11-24T18:00:00Z), +90m / +2h / +1d, or none`, exitCodes.usage);
  return at;
}

function jobRow(j: JobSnapshot): string[] {
  return [j.id, j.clientId, j.name.slice(0, 32), j.status, `${j.progress.done}/${j.progress.tasks}`, when(j.deadline), outlookText(j), whyText(j, 60)];
}

/** Waits (briefly) for the first plan to say why, so `submit` can print it. */
async function firstWhy(ctx: CliContext, api: ApiClient, id: string): Promise<JobSnapshot> {
  let job = await api.get<JobSnapshot>(`/jobs/${encodeURIComponent(id)}`);
  for (let i = 0; i < 20 && !job.why; i++) {
    await ctx.sleep(250);
    job = await api.get<JobSnapshot>(`/jobs/${encodeURIComponent(id)}`);
  }
  return job;
}

export function jobCommands(ctx: CliContext): Command[] {
  const { io } = ctx;
  const submit = new Command("submit")
    .description("submit an OpenJD template / job bundle folder, or a native JSON job")
    .argument("<file>", "template.yaml|json, a job bundle folder, or a native job .json")
    .option("-p, --param <NAME=VALUE>", "OpenJD job parameter (repeatable)", collect, [])
    .option("--client <id>", "the client the job bills to (operators)")
    .option("--name <name>", "job name")
    .option("--priority <0-100>", "priority", int("--priority"))
    .option("--deadline <when>", "ISO date-time with zone, or +90m / +2h / +1d from the farm's clock")
    .option("--kind <kind>", "job kind the planner matches to node speeds (render-cpu, render-gpu, sim, …)")
    .option("--seconds-per-task <s>", "expected seconds per task (frame) on a reference node", positive("--seconds-per-task"))
    .option("--idempotency-key <key>", "makes a retried submit land on the same job")
    .option("--wait", "show progress until the job finishes")
    .option("--json", "print the created job as the API returns it")
    .action(async (file: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const body = submissionBody(file, { ...o, deadline: await deadlineOption(api, o.deadline) });
      const job = await api.request<JobSnapshot>("POST", "/jobs", { body, ...(o.idempotencyKey ? { headers: { "idempotency-key": o.idempotencyKey } } : {}) });
      if (o.json && !o.wait) return void io.out.write(json(job));
      const planned = await firstWhy(ctx, api, job.id);
      io.out.write(`${job.id}\n`);
      io.err.write(`submitted "${job.name}" (${job.progress.tasks} tasks) for ${job.clientId}; ${planned.why ? `${planned.why.outcome}: ${planned.why.reason.replace(/^\w+: /, "")}` : "not planned yet"}\n`);
      if (o.wait) await watchJobs(ctx, api, [job.id]);
    });

  const jobs = new Command("jobs")
    .description("list jobs (open and finished), newest first")
    .option("--client <id>", "only this client's jobs")
    .addOption(new Option("--status <status>", "only jobs in this state").choices(["queued", "running", "suspended", "done", "failed", "canceled"]))
    .option("--at-risk", "only jobs the last plan says may miss their deadline")
    .option("--limit <n>", "at most this many", int("--limit"), 1000)
    .option("--json", "print the API's job views")
    .action(async (o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      let items = await listAllJobs<JobSnapshot & { submittedAt: string }>(api, { clientId: o.client, status: o.status }, o.limit);
      if (o.atRisk) items = items.filter((j) => j.outlook.atRisk);
      items = items.slice(0, o.limit);
      if (o.json) return void io.out.write(json(items));
      io.out.write(items.length === 0 ? "no jobs\n" : table(["id", "client", "name", "status", "done", "deadline", "outlook", "why"], items.map(jobRow)));
    });

  const job = new Command("job")
    .description("one job: status, progress, deadline against projected finish, why, tasks by state")
    .argument("<id>", "job id")
    .option("--watch", "show a progress bar until the job finishes")
    .option("--json", "print the API's job view")
    .action(async (id: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      if (o.watch) return void (await watchJobs(ctx, api, [id]));
      const j = await api.get(`/jobs/${encodeURIComponent(id)}`);
      if (o.json) return void io.out.write(json(j));
      const costs = await api.get<{ items: { cloudCost: number; energyCost: number }[] }>("/job-costs", { ids: j.id }).catch(() => ({ items: [] }));
      io.out.write(describeJob(j, costs.items[0]));
    });

  const why = new Command("why")
    .description("why a job is or is not running (the last plan's decision)")
    .argument("<id>", "job id")
    .option("--json", "print {id, status, why, outlook} from the API")
    .action(async (id: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const j = await api.get(`/jobs/${encodeURIComponent(id)}`);
      if (o.json) return void io.out.write(json({ id: j.id, status: j.status, why: j.why, outlook: j.outlook }));
      io.out.write(j.why ? `${j.why.outcome}: ${j.why.reason.replace(/^\w+: /, "")}\n  (plan of ${when(j.why.planAt)}, rank ${j.why.rank + 1})\n` : "not planned yet\n");
    });

  const edit = new Command("edit")
    .description("change a job's deadline or priority, suspend or resume it (replans at once)")
    .argument("<id>", "job id")
    .option("--deadline <when>", "ISO date-time with zone, +90m / +2h / +1d, or none")
    .option("--priority <0-100>", "priority", int("--priority"))
    .option("--suspend", "stop handing out its tasks")
    .option("--resume", "hand out its tasks again")
    .option("--json", "print the updated job view")
    .action(async (id: string, o, cmd: Command) => {
      if (o.suspend && o.resume) throw new CliError("--suspend and --resume contradict each other", exitCodes.usage);
      const { api } = ctx.connect(cmd);
      const body: Record<string, unknown> = {};
      const deadline = await deadlineOption(api, o.deadline);
      if (deadline !== undefined) body.deadline = deadline;
      if (o.priority !== undefined) body.priority = o.priority;
      if (o.suspend) body.suspended = true;
      if (o.resume) body.suspended = false;
      if (Object.keys(body).length === 0) throw new CliError("name at least one of --deadline, --priority, --suspend, --resume", exitCodes.usage);
      const j = await api.request("PATCH", `/jobs/${encodeURIComponent(id)}`, { body });
      io.out.write(o.json ? json(j) : `${j.id}: deadline ${when(j.deadline)}, priority ${j.priority}${j.suspended ? ", suspended" : ""}\n`);
    });

  const simple = (name: string, description: string, method: string, path: (id: string) => string, verb: string) =>
    new Command(name).description(description).argument("<id>", "job id").option("--json", "print the job view")
      .action(async (id: string, o, cmd: Command) => {
        const { api } = ctx.connect(cmd);
        const j = await api.request(method, path(encodeURIComponent(id)));
        io.out.write(o.json ? json(j) : `${j.id}: ${verb} (${j.status})\n`);
      });

  const logs = new Command("logs")
    .description("the full log of a task's latest attempt, as its agent uploaded it")
    .argument("<id>", "job id").argument("<task>", "task id (job:step:index), or step:index, or the index of the first step")
    .option("--follow", "keep printing new lines until the job finishes")
    .option("--json", "print the API's {taskId, log, truncated}")
    .action(async (id: string, task: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const taskId = await fullTaskId(api, id, task);
      const read = () => api.get<{ taskId: string; log: string; truncated: boolean }>(`/jobs/${encodeURIComponent(id)}/tasks/${encodeURIComponent(taskId)}/log`);
      if (o.json) return void io.out.write(json(await read()));
      let shown = 0;
      for (;;) {
        const text = await read().then((r) => r.log, (err: unknown) => { if (o.follow && (err as { status?: number }).status === 404) return ""; throw err; });
        if (text.length > shown) { io.out.write(text.slice(shown)); shown = text.length; }
        if (!o.follow) return;
        const j = await api.get<JobSnapshot>(`/jobs/${encodeURIComponent(id)}`);
        if (["done", "failed", "canceled"].includes(j.status)) return;
        await ctx.sleep(1000);
      }
    });

  const requeue = new Command("requeue")
    .description("give a job's failed tasks (out of retries) fresh retries and queue them again")
    .argument("<id>", "job id")
    .requiredOption("--failed", "requeue the tasks that ran out of retries (the only kind there is to requeue)")
    .option("--json", "print the job view")
    .action(async (id: string, o, cmd: Command) => {
      const { api } = ctx.connect(cmd);
      const j = await api.request("POST", `/jobs/${encodeURIComponent(id)}/requeue-failed`);
      io.out.write(o.json ? json(j) : `${j.id}: ${j.progress.pending} task(s) pending, ${j.progress.failed} failed (${j.status})\n`);
    });

  return [
    submit, jobs, job, why, edit, logs, requeue,
    simple("cancel", "cancel a job; running frames stop at their next poll", "DELETE", (id) => `/jobs/${id}`, "canceled"),
    simple("approve", "approve a job's preview so its final frames may run", "POST", (id) => `/jobs/${id}/approve`, "approved"),
  ];
}

/** `job:step:index` as given, or completed from `step:index` / `index` (the job's first step). */
async function fullTaskId(api: ApiClient, jobId: string, task: string): Promise<string> {
  if (task.startsWith(`${jobId}:`)) return task;
  if (task.includes(":")) return `${jobId}:${task}`;
  if (!/^\d+$/.test(task)) throw new CliError(`task: expected job:step:index, step:index or an index, got "${task}"`, exitCodes.usage);
  const j = await api.get(`/jobs/${encodeURIComponent(jobId)}`);
  return `${jobId}:${j.steps[0]?.name ?? "render"}:${task}`;
}

function describeJob(j: any, cost?: { cloudCost: number; energyCost: number }): string {
  const lines = [
    `${j.name} (${j.id}) — ${j.status}${j.suspended ? ", suspended" : ""}, client ${j.clientId}, priority ${j.priority}`,
    `  progress   ${j.progress.done}/${j.progress.tasks} done, ${j.progress.running} running, ${j.progress.pending} pending, ${j.progress.failed} failed`,
    `  deadline   ${when(j.deadline)}   projected finish ${when(j.outlook.projectedFinish)}   slack ${duration(j.outlook.slackSec)}${j.outlook.atRisk ? "   ⚠ at risk" : ""}`,
    `  why        ${j.why ? `${j.why.outcome}: ${j.why.reason.replace(/^\w+: /, "")}` : "not planned yet"}`,
    `  cost       ${cost ? `${money(cost.cloudCost + cost.energyCost)} so far (cloud ${money(cost.cloudCost)}, energy ${money(cost.energyCost)})` : "nothing yet"}`,
    `  preview    ${j.preview.previewFirst ? "preview frames first" : "in order"}${j.preview.approval === "pending" ? ", finals wait for approval" : ""}`,
    "  steps",
    ...j.steps.map((s: any) => `    ${s.name} [${s.kind}${s.role === "preview" ? ", preview" : ""}]: ${s.progress.done}/${s.progress.tasks} done, ${s.progress.running} running, ${s.progress.pending} pending, ${s.progress.failed} failed${s.dependsOn.length ? ` (after ${s.dependsOn.join(", ")})` : ""}`),
  ];
  return lines.join("\n") + "\n";
}
