/**
 * `burstfarm <command> …` — one entry point; each command lives in its own module.
 */
const commands: Record<string, () => Promise<{ run: (argv: string[]) => Promise<number> }>> = {
  start: () => import("./start-command.ts"),
  openjd: () => import("./openjd-command.ts"),
  sim: () => import("./sim-command.ts"),
  agent: () => import("./agent-command.ts"),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: burstfarm <${Object.keys(commands).join("|")}> [options]\n`);
    return name === undefined || name === "--help" ? 0 : 2;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`burstfarm: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
