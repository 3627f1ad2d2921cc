/**
 * How the local farm runs a render node: the farm hands over what a real machine would have
 * (the API URL, its credential, its hardware) plus the farm clock; the host runs an agent and
 * returns a handle. `stop` drains (interrupts running tasks, reports, exits); `kill` is a crash:
 * the agent stops dead, reports nothing, and its leases lapse on the server.
 */
import type { OutputStore } from "../service/index.ts";
import type { FarmClock } from "./farm-clock.ts";
import type { LocalNodeSpec } from "./demo/demo-farm.ts";

export interface AgentLaunch {
  spec: LocalNodeSpec;
  pool: "onprem" | "cloud";
  apiUrl: string;
  /**
   * How the agent proves who it is: on-prem, a registration secret it exchanges for a node token
   * (then the token, on restarts); a simulated cloud node, the token issued at launch.
   */
  credential: { registrationSecret: string } | { token: string; expiresAt: number };
  clock: FarmClock;
  /** The farm's output store (frames, previews, task logs), and its folder for agents in other processes. */
  outputs: OutputStore;
  outputsDir: string;
  /** The agent's own folder (journal, logs). */
  workDir: string;
  onError: (name: string, err: unknown) => void;
}

export interface RunningAgent {
  readonly nodeId: string;
  /** Resolves when the agent has exited. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  kill(): void;
}

export type AgentHost = (launch: AgentLaunch) => RunningAgent;
