/**
 * `burstfarm agent --api URL (--token T | --registration-secret S) [--tags a,b] [--slots N]
 * [--work-dir D] [--node-id ID] [--outputs DIR|s3://bucket/prefix] [--time-scale X]`
 * A minimal parser until the commander CLI (issue [L]) takes this over; it calls runAgent.
 */
import { parseArgs } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { FolderOutputStore } from "../adapters/folder-output-store.ts";
import { S3OutputStore } from "../adapters/aws/s3-output-store.ts";
import { runAgent } from "../agent/index.ts";
import type { OutputStore } from "../service/ports.ts";

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      api: { type: "string" }, token: { type: "string" }, "registration-secret": { type: "string" },
      tags: { type: "string" }, slots: { type: "string" }, "work-dir": { type: "string" }, "node-id": { type: "string" },
      outputs: { type: "string" }, "time-scale": { type: "string" },
      "max-poll-sec": { type: "string" }, "max-backoff-sec": { type: "string" }, "stop-within-sec": { type: "string" },
    },
  });
  if (!v.api || (!v.token && !v["registration-secret"])) {
    process.stderr.write("usage: burstfarm agent --api URL (--token T | --registration-secret S) [--tags a,b] [--slots N] [--work-dir D]\n");
    return 2;
  }
  const slots = v.slots ? Number(v.slots) : 1;
  if (!Number.isInteger(slots) || slots < 1 || slots > 64) throw new Error("--slots: expected an integer 1..64");
  const agent = await runAgent({
    api: v.api, handleSignals: true,
    ...(v.token ? { token: v.token } : {}), ...(v["registration-secret"] ? { registrationSecret: v["registration-secret"] } : {}),
    ...(v.tags ? { tags: v.tags.split(",").map((t) => t.trim()).filter(Boolean) } : {}), slots,
    ...(v["work-dir"] ? { workDir: v["work-dir"] } : {}), ...(v["node-id"] ? { nodeId: v["node-id"] } : {}),
    ...(v.outputs ? { outputs: outputStore(v.outputs) } : {}), ...(v["time-scale"] ? { timeScale: Number(v["time-scale"]) } : {}),
    ...(v["max-poll-sec"] ? { maxPollSec: Number(v["max-poll-sec"]) } : {}),
    ...(v["max-backoff-sec"] ? { maxBackoffSec: Number(v["max-backoff-sec"]) } : {}),
    ...(v["stop-within-sec"] ? { stopWithinMs: Number(v["stop-within-sec"]) * 1000 } : {}),
  });
  const exit = await agent.done;
  const st = agent.stats();
  process.stderr.write(`[agent] stopped (${exit.reason}); ${exit.unreported} report(s) kept in the journal; ${st.polls} polls, ${st.calls} calls, ${st.bytesSent} bytes sent, ${st.bytesReceived} received\n`);
  return 0;
}

function outputStore(spec: string): OutputStore {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec);
  return m ? new S3OutputStore(new S3Client({}), m[1]!, m[2] ?? "") : new FolderOutputStore(spec);
}
