/**
 * `burstfarm`: the commander program. Every command has --help; an unknown command or flag is a
 * usage error (exit 2) that names it and suggests the closest; read commands take --json.
 */
import { Command, CommanderError } from "commander";
import { cliContext, type CliContext, type Io } from "./cli-context.ts";
import { farmCommands } from "./commands/farm-commands.ts";
import { jobCommands } from "./commands/job-commands.ts";
import { toolCommands } from "./commands/tool-commands.ts";
import { CliError, describeError, exitCodeHelp, exitCodeOf, exitCodes } from "./exit-codes.ts";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("burstfarm")
    .description("Deadline-aware, cloud-bursting render farm scheduler: drive a local farm (npm start) or a deployed one.")
    .option("--api <url>", "API base URL (default: the local farm from .burstfarm/local.json)")
    .option("--token <token>", "bearer token for --api (or BURSTFARM_TOKEN)")
    .option("--as <who>", "with the local farm: act as operator or as a client id", "operator")
    .option("--config <file>", "a JSON file {apiUrl, token} (or BURSTFARM_CONFIG)")
    .addHelpText("after", `\n${exitCodeHelp}\nExamples:\n  npm start                                   run a local farm with a demo\n  burstfarm jobs --at-risk\n  burstfarm submit shot.json --deadline +2h --wait\n  burstfarm edit JOB --deadline 2026-11-24T18:00:00Z\n`);
  for (const c of [...jobCommands(ctx), ...farmCommands(ctx), ...toolCommands(ctx)]) program.addCommand(c);
  configureAll(program, ctx.io);
  return program;
}

/** The same error handling, output and suggestions on every (sub)command. */
function configureAll(cmd: Command, io: Io): void {
  cmd.exitOverride().showSuggestionAfterError(true).showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: (s) => void io.out.write(s), writeErr: (s) => void io.err.write(s) });
  for (const sub of cmd.commands) configureAll(sub, io);
}

export async function runCli(argv: readonly string[], io: Io = { out: process.stdout, err: process.stderr }, env = process.env): Promise<number> {
  const ctx = cliContext(io, env);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCodes.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every parse problem is a usage error.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.code === "commander.version") return exitCodes.ok;
      if (err.code === "commander.executeSubCommandAsync") return exitCodes.failure;
      return exitCodes.usage;
    }
    // A command that already explained itself (e.g. `sim`, `openjd`) exits with its own code.
    if (!(err instanceof CliError && err.message === "")) io.err.write(`burstfarm: ${describeError(err)}\n`);
    return exitCodeOf(err);
  }
}
