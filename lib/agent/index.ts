/** The render node agent (`burstfarm agent`): see run-agent.ts. */
export { runAgent, type AgentOptions, type AgentHandle } from "./run-agent.ts";
export { detectCapabilities, type Capabilities } from "./capabilities.ts";
export type { TaskRunner, TaskContext, TaskOutcome } from "./runners/runner.ts";
