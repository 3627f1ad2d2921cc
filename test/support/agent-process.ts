/**
 * One agent as its own process, for tests that must crash it (SIGKILL) or stop it (SIGTERM):
 *   node --import tsx test/support/agent-process.ts '<AgentOptions as JSON>'
 * Loads only lib/agent (the full CLI takes twice as long to start on a busy machine); the
 * CLI's own `burstfarm agent` is exercised by the local farm's end-to-end test.
 */
import { FolderOutputStore } from "../../lib/adapters/folder-output-store.ts";
import { runAgent, type AgentOptions } from "../../lib/agent/index.ts";

const { outputsDir, ...options } = JSON.parse(process.argv[2] ?? "{}") as AgentOptions & { outputsDir?: string };
const agent = await runAgent({ ...options, ...(outputsDir ? { outputs: new FolderOutputStore(outputsDir) } : {}), handleSignals: true });
const exit = await agent.done;
const st = agent.stats();
process.stderr.write(`[agent] stopped (${exit.reason}); ${exit.unreported} report(s) kept in the journal; ${st.polls} polls, ${st.calls} calls, ${st.bytesSent} bytes sent, ${st.bytesReceived} received\n`);
process.exit(0);
