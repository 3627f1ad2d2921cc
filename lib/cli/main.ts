/**
 * `burstfarm <command> …` — the commander program (program.ts); each command group lives in
 * lib/cli/commands/. Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 conflict.
 */
import { runCli } from "./program.ts";

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // The command is over: a keep-alive socket or a library timer must not keep the process up.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`burstfarm: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
