/**
 * The service's node records: what it stores of a render node (its agent's last poll, the
 * operator's intent, its inbox of grants and cancels, a cloud node's launch) and the registration
 * secrets on-prem agents are admitted with. The rest of the domain is in model.ts, which re-exports these.
 */
import type { FarmNode } from "../planner/index.ts";
import type { TaskParams } from "./model.ts";

export type DesiredStatus = "run" | "drain" | "stop";

/** What an agent reported about one of its tasks at its last poll. */
export interface HeldTask {
  taskId: string;
  token: string;
  progress: number;
  startedAt?: number;
}

/**
 * A message to a node, its own item in the node's partition: a granted lease with what to run
 * (so a poll needs no job read), or a notice to stop one. The shard is the truth; this is delivery.
 */
export interface InboxEntry {
  kind: "grant" | "cancel";
  jobId: string;
  stepName: string;
  taskIndex: number;
  token: string;
  queued: boolean;
  estimatedSec: number;
  /** Grants: the step's kind, frames or OpenJD parameters, preview quality, lease expiry. */
  taskKind?: string;
  frames?: number[] | null;
  params?: TaskParams | null;
  quality?: number | null;
  leaseExpiresAt?: number;
  /** Cancels: why. */
  reason?: string;
  at: number;
  /** Position in the plan's assignment order (items come back in key order; the agent runs them in this one). */
  seq?: number;
}

export interface NodeRecord extends Omit<FarmNode, "leases"> {
  hostname: string;
  registeredAt: number;
  lastSeenAt: number;
  agentVersion: string | null;
  metrics: { cpuPct: number; memoryPct: number } | null;
  /** Tasks the agent said it holds at its last poll (renews their leases). */
  holding: HeldTask[];
  /** Operator intent; `status` is what the planner sees. */
  desiredStatus: DesiredStatus;
  /**
   * Messages waiting for the node (grants, cancel notices): their own items in the node's
   * partition, read with the node; writing a node record never writes its inbox (the planner
   * adds entries with NodeStore.deliver, polls and the planner remove them with dropInbox).
   */
  inbox: InboxEntry[];
  /** Cloud nodes: the EC2 instance this record was launched as (an IAM session name must equal it). */
  instanceId?: string;
  /** The registration secret an on-prem node was admitted with (audit; revoking it stops new registrations). */
  registeredWith?: string;
  /** Set by an operator: every credential of this node stops working (tokens, IAM sessions). */
  revokedAt?: number;
  /** Cloud nodes: the launch record (identity and price come from here, not from the agent). */
  cloud?: CloudLaunch;
  version: number;
}

/**
 * An operator-issued secret an on-prem agent exchanges at registration for a node token.
 * Only its SHA-256 is stored. The node facts it carries are the farm's word, never the agent's.
 */
export interface RegistrationSecretRecord {
  id: string;
  label: string;
  /** hex SHA-256 of the whole secret string. */
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /**
   * Bound to one machine: the secret (re)registers exactly this node, any time (a workstation
   * off for the weekend comes back as itself). Unbound secrets only admit new nodes.
   */
  nodeId: string | null;
  /** Energy accounting facts for nodes admitted with this secret (billed to clients). */
  powerIdleW: number;
  powerBusyW: number;
  version: number;
}

/** Written by the capacity use case at launch (lib/service/capacity). */
export interface CloudLaunch {
  /** The burst request(s) it was launched for, `<requestedAt>#<index>`. */
  requestKey: string;
  launchedAt: number;
  jobIds: string[];
  /** The fallback round of the launch (its ClientToken's suffix): a re-run continues after it. */
  round: number;
  placement?: string;
  /** A rebalance recommendation arrived: give it no long tasks. */
  rebalanceAt?: number;
  /** A spot interruption warning arrived: draining, its tasks requeued. */
  interruptedAt?: number;
  terminatedAt?: number;
  terminateReason?: string;
}
