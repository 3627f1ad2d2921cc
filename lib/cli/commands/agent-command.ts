/**
 * `burstfarm agent`: a render node agent (lib/agent's runAgent) against any burstfarm API —
 * with a registration secret (on-prem: `registrationSecret` and `agentApiUrl` of the local farm's
 * .burstfarm/local.json) or a node token. Runs until SIGTERM / Ctrl-C, then drains.
 */
import { Command } from "commander";
import type { OutputStore } from "../../service/index.ts";
import type { CliContext } from "../cli-context.ts";
import { CliError, exitCodes } from "../exit-codes.ts";

const number = (name: string, ok: (n: number) => boolean) => (v: string) => {
  const n = Number(v);
  if (!ok(n)) throw new CliError(`${name}: not a valid value: "${v}"`, exitCodes.usage);
  return n;
};

/** The agent, its stores and the AWS SDK load when the command runs, not with every `burstfarm` command. */
async function outputStore(spec: string): Promise<OutputStore> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec);
  if (!m) return new (await import("../../adapters/folder-output-store.ts")).FolderOutputStore(spec);
  const [{ S3Client }, { S3OutputStore }] = await Promise.all([import("@aws-sdk/client-s3"), import("../../adapters/aws/s3-output-store.ts")]);
  return new S3OutputStore(new S3Client({}), m[1]!, m[2] ?? "");
}

export function agentCommand(ctx: CliContext): Command {
  return new Command("agent").description("run a render node agent: register, poll for work, render, report (--api URL: where agents connect; local farm: agentApiUrl in .burstfarm/local.json)")
    .option("--registration-secret <secret>", "an operator-issued secret, exchanged for a node token")
    .option("--node-token <token>", "a node token (cloud nodes get one at launch); --token works too")
    .option("--node-id <id>", "this node's id (default: the one stored in the work dir, else the host name)")
    .option("--tags <a,b>", "custom attributes, e.g. render-cpu,site=paris", (v) => v.split(",").map((t) => t.trim()).filter(Boolean))
    .option("--slots <n>", "tasks at once", number("--slots", (n) => Number.isInteger(n) && n >= 1 && n <= 64), 1)
    .option("--work-dir <dir>", "journal, logs and session folders (default .burstfarm/agent)")
    .option("--outputs <dir|s3://bucket/prefix>", "where frames and task logs go (default <work-dir>/outputs)")
    .option("--time-scale <x>", "simulated renderer: multiply run times (0.01 in tests)", number("--time-scale", (n) => n > 0))
    .option("--speed <x>", "simulated renderer: this node's speed relative to the reference node", number("--speed", (n) => n > 0))
    .option("--max-poll-sec <s>", "poll at least this often, whatever the server says", number("--max-poll-sec", (n) => n > 0))
    .option("--max-backoff-sec <s>", "longest wait between retries while the API is unreachable", number("--max-backoff-sec", (n) => n > 0))
    .option("--stop-within-sec <s>", "how long a stop (SIGTERM, spot notice) may take", number("--stop-within-sec", (n) => n > 0))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals();
      if (!o.api) throw new CliError("--api URL is required (the local farm's agentApiUrl, or a deployed API)", exitCodes.usage);
      const token: string | undefined = o.nodeToken ?? o.token;
      if (!o.registrationSecret === !token) throw new CliError("give exactly one of --registration-secret or --node-token (--token)", exitCodes.usage);
      const { runAgent } = await import("../../agent/index.ts");
      const agent = await runAgent({
        api: o.api, handleSignals: true, slots: o.slots,
        ...(token ? { token } : { registrationSecret: o.registrationSecret }),
        ...(o.nodeId ? { nodeId: o.nodeId } : {}), ...(o.tags ? { tags: o.tags } : {}), ...(o.workDir ? { workDir: o.workDir } : {}),
        ...(o.outputs ? { outputs: await outputStore(o.outputs) } : {}), ...(o.timeScale ? { timeScale: o.timeScale } : {}), ...(o.speed ? { speed: o.speed } : {}),
        ...(o.maxPollSec ? { maxPollSec: o.maxPollSec } : {}), ...(o.maxBackoffSec ? { maxBackoffSec: o.maxBackoffSec } : {}),
        ...(o.stopWithinSec ? { stopWithinMs: o.stopWithinSec * 1000 } : {}),
      });
      const exit = await agent.done;
      const st = agent.stats();
      ctx.io.err.write(`[agent] ${agent.nodeId} stopped (${exit.reason}); ${exit.unreported} report(s) kept in the journal; ${st.polls} polls, ${st.calls} calls, ${st.bytesSent} bytes sent, ${st.bytesReceived} received\n`);
    });
}
