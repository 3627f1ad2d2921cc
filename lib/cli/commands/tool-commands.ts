/**
 * Commands that run something on this machine: `start` (the local farm), `agent` (a render node),
 * `sim` (the simulator), `openjd validate|expand`, `plan-sample` (one plan of the bundled sample).
 */
import { Command, Option } from "commander";
import type { CliContext } from "../cli-context.ts";
import { CliError, exitCodes } from "../exit-codes.ts";
import { agentCommand } from "./agent-command.ts";

/** A command module that parses its own arguments and returns an exit code. */
type Runner = (argv: string[]) => Promise<number>;

async function exitWith(code: number): Promise<void> {
  if (code !== 0) throw new CliError("", code);
}

function passThrough(name: string, description: string, load: () => Promise<Runner>): Command {
  // The module parses its own flags (and its own --help).
  return new Command(name).description(description).helpOption(false).allowUnknownOption().allowExcessArguments()
    .argument("[args...]").action(async (args: string[]) => exitWith(await (await load())(args)));
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

const positive = (flag: string, whole: boolean) => (v: string): number => {
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n)))) {
    throw new CliError(`${flag}: expected a positive ${whole ? "whole number" : "number"}, got "${v}"`, exitCodes.usage);
  }
  return n;
};

function openjdCommand(): Command {
  const load = async () => (await import("../openjd-command.ts")).run;
  const openjd = new Command("openjd").description("check or expand Open Job Description templates and job bundles");
  openjd.addCommand(new Command("validate").description("check a template (or job bundle) against jobtemplate-2023-09")
    .argument("<file>", "template.yaml|json or a job bundle folder")
    .action(async (file: string) => exitWith(await (await load())(["validate", file]))));
  openjd.addCommand(new Command("expand").description("expand a template into its steps and tasks")
    .argument("<file>", "template.yaml|json or a job bundle folder")
    .option("-p, --param <NAME=VALUE>", "job parameter value (repeatable; overrides the bundle's)", collect, [])
    .option("--json", "every task as JSON")
    .action(async (file: string, o: { param: string[]; json?: boolean }) =>
      exitWith(await (await load())(["expand", file, ...o.param.flatMap((p) => ["--param", p]), ...(o.json ? ["--json"] : [])]))));
  return openjd;
}

export function toolCommands(ctx: CliContext): Command[] {
  const start = new Command("start").description("run a whole farm on this machine: local DynamoDB/SQS, the API, planner, agents, simulated cloud, a demo")
    .option("--fresh", "forget the previous farm in .burstfarm/ and start empty")
    .option("--demo", "submit the demo jobs (default on a fresh farm)")
    .option("--no-demo", "do not submit the demo jobs")
    .option("--until-done", "exit once every job is finished")
    .option("--json", "with --until-done: print one JSON summary instead of live progress")
    .addOption(new Option("--speed <n>", "farm seconds per real second").argParser((v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 3600)) throw new CliError(`--speed: expected a number in (0, 3600], got "${v}"`, exitCodes.usage);
      return n;
    }))
    .option("--at <iso>", "the farm clock's start on a fresh farm (default 07:40 Los Angeles, latest weekday)")
    .option("--port <n>", "API port (default: a free one)", (v) => Number(v))
    .addOption(new Option("--max-spend-per-hour <usd>", "the farm's cloud ceiling: USD per hour on rented nodes (default 10)").argParser(positive("--max-spend-per-hour", false)))
    .addOption(new Option("--max-instances <n>", "the farm's cloud ceiling: rented nodes at once (default 4)").argParser(positive("--max-instances", true)))
    .option("--greedy", "plan with the greedy passes only (default: the LP planner of record, HiGHS)")
    .action(async (o, cmd: Command) => exitWith(await (await import("../start-command.ts")).startCommand(ctx, o, cmd)));

  return [
    start,
    agentCommand(ctx),
    passThrough("sim", "run the farm simulator: scenarios, policies, traces, reports (see `burstfarm sim --help`)", async () => (await import("../sim-command.ts")).run),
    openjdCommand(),
    passThrough("plan-sample", "plan the bundled sample farm once and print every decision (--at ISO, --json)", async () => (await import("../plan-sample-command.ts")).run),
  ];
}
