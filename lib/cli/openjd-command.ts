/**
 * `burstfarm openjd expand FILE [--param K=V …] [--json]` — expand an OpenJD template or job
 * bundle into its steps and tasks. `burstfarm openjd validate FILE` only checks the template.
 * Exit codes: 0 ok, 2 bad input (message on stderr, naming the field), 1 unexpected failure.
 */
import { dirname, resolve } from "node:path";
import {
  OpenJdError, instantiateJob, iterateTasks, loadJob, parseDocumentText, taskAt, validateTemplate,
  type InstantiatedJob, type InstantiatedStep, type TaskParams,
} from "../openjd/index.ts";
import type { Requirements } from "../planner/index.ts";

interface Io {
  out: { write(chunk: string): unknown };
  err: { write(chunk: string): unknown };
}

const USAGE = `usage: burstfarm openjd expand FILE|BUNDLE_DIR [--param NAME=VALUE …] [--json]
       burstfarm openjd validate FILE|BUNDLE_DIR
`;

class UsageError extends Error {}

interface Args {
  command: "expand" | "validate";
  file: string;
  params: Record<string, string>;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command !== "expand" && command !== "validate") throw new UsageError(command ? `unknown subcommand "${command}"` : "missing subcommand");
  const params: Record<string, string> = {};
  let file: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--param" || arg === "-p" || arg.startsWith("--param=")) {
      const pair = arg.startsWith("--param=") ? arg.slice("--param=".length) : rest[++i];
      const eq = pair?.indexOf("=") ?? -1;
      if (pair === undefined || eq < 1) throw new UsageError(`--param expects NAME=VALUE, got ${pair === undefined ? "nothing" : JSON.stringify(pair)}`);
      params[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
  }
  if (file === undefined) throw new UsageError("missing FILE");
  return { command, file, params, json };
}

export async function run(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h" || argv.length === 0) {
    io.out.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    const args = parseArgs(argv);
    const loaded = loadJob(args.file);
    if (args.command === "validate") {
      validateTemplate(parseDocumentText(loaded.templateText, loaded.templatePath));
      io.out.write(`${loaded.templatePath}: valid\n`);
      return 0;
    }
    // Command-line values override the bundle's parameter_values file.
    // Relative PATH values resolve as in the reference CLI: defaults against the template's directory, given ones against ours.
    const job = instantiateJob(parseDocumentText(loaded.templateText, loaded.templatePath), { ...loaded.parameterValues, ...args.params }, { templateDir: resolve(dirname(loaded.templatePath)), cwd: process.cwd() });
    if (args.json) writeJson(job, io.out);
    else writeSummary(job, io.out);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`burstfarm openjd: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof OpenJdError) {
      io.err.write(`burstfarm openjd: invalid input:\n${err.issues.map((i) => `  ${i.path === "" ? "" : `${i.path}: `}${i.message}`).join("\n")}\n`);
      return 2;
    }
    throw err;
  }
}

/** Streams `{"steps":[{"name","dependsOn","tasks":[…]}]}` without building one giant string. */
function writeJson(job: InstantiatedJob, out: Io["out"]): void {
  out.write('{"steps":[');
  job.steps.forEach((step, s) => {
    out.write(`${s === 0 ? "" : ","}{"name":${JSON.stringify(step.name)},"dependsOn":${JSON.stringify(step.dependsOn)},"tasks":[`);
    let batch: string[] = [];
    let first = true;
    for (const task of iterateTasks(step.parameterSpace)) {
      batch.push(JSON.stringify(task));
      if (batch.length === 5000) {
        out.write((first ? "" : ",") + batch.join(","));
        first = false;
        batch = [];
      }
    }
    if (batch.length > 0) out.write((first ? "" : ",") + batch.join(","));
    out.write("]}");
  });
  out.write("]}\n");
}

function formatTask(task: TaskParams): string {
  const entries = Object.entries(task);
  return entries.length === 0 ? "(no parameters)" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}

export function describeRequirements(r: Requirements): string {
  const parts: string[] = [];
  if (r.os) parts.push(`os ${r.os.join("|")}`);
  if (r.cpuArch) parts.push(`arch ${r.cpuArch.join("|")}`);
  if (r.minVcpu !== undefined) parts.push(`≥${r.minVcpu} vCPU`);
  if (r.minMemoryGiB !== undefined) parts.push(`≥${+r.minMemoryGiB.toFixed(2)} GiB RAM`);
  if (r.minGpuCount !== undefined) parts.push(`≥${r.minGpuCount} GPU`);
  if (r.minGpuMemoryGiB !== undefined) parts.push(`≥${+r.minGpuMemoryGiB.toFixed(2)} GiB GPU memory`);
  for (const [name, a] of Object.entries(r.amounts ?? {})) parts.push(`${name} ${a.min ?? 0}..${a.max ?? "∞"}`);
  for (const [name, a] of Object.entries(r.attributes ?? {})) parts.push(`${name} ${a.anyOf ? `any of ${a.anyOf.join("|")}` : `all of ${a.allOf?.join("+")}`}`);
  return parts.length > 0 ? parts.join(", ") : "any host";
}

function writeStep(step: InstantiatedStep, out: Io["out"]): void {
  const chunked = step.chunking ? `, chunks of ≤${step.chunking.defaultTaskCount} ${step.chunking.parameter} values` : "";
  out.write(`  ${step.name}: ${step.taskCount} task${step.taskCount === 1 ? "" : "s"}${chunked}\n`);
  if (step.dependsOn.length > 0) out.write(`    after: ${step.dependsOn.join(", ")}\n`);
  out.write(`    requires: ${describeRequirements(step.requirements)}\n`);
  const shown = Math.min(step.taskCount, 3);
  for (let i = 0; i < shown; i++) out.write(`    task ${i}: ${formatTask(taskAt(step.parameterSpace, i))}\n`);
  if (step.taskCount > shown) {
    if (step.taskCount > shown + 1) out.write("    …\n");
    out.write(`    task ${step.taskCount - 1}: ${formatTask(taskAt(step.parameterSpace, step.taskCount - 1))}\n`);
  }
}

function writeSummary(job: InstantiatedJob, out: Io["out"]): void {
  const total = job.steps.reduce((n, s) => n + s.taskCount, 0);
  out.write(`Job "${job.name}": ${job.steps.length} step${job.steps.length === 1 ? "" : "s"}, ${total} task${total === 1 ? "" : "s"}\n`);
  const params = Object.entries(job.parameters);
  if (params.length > 0) out.write(`  parameters: ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}\n`);
  for (const step of job.steps) writeStep(step, out);
}
