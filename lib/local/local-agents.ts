/**
 * Runs the local farm's render nodes in this process with the agent of lib/agent and its
 * simulated renderer. (Placeholder until lib/agent lands: the farm runs without agents.)
 */
import type { AgentHost } from "./agent-host.ts";

export const localAgentHost: AgentHost | undefined = undefined;
