/**
 * The `CloudCapacity` port: what the capacity use case needs from a cloud. Two adapters
 * implement it — EC2 (lib/adapters/aws/ec2-cloud-capacity.ts: CreateFleet, TerminateInstances,
 * DescribeInstances) and the simulated cloud (lib/adapters/local/simulated-cloud.ts) that the
 * local farm and the tests use. The use case never sees an SDK type.
 */
export type Market = "spot" | "on-demand";

/** One fleet to launch. Counts are instances; every instance is one render node. */
export interface LaunchSpec {
  /**
   * Idempotency key derived from the burst request (and the fallback round): the same key
   * launched twice yields the same instances, never twice the capacity (EC2's ClientToken).
   */
  token: string;
  /** Types EC2 may choose from, best (least cost per throughput) first; all pass the guards. */
  instanceTypes: string[];
  spotCount: number;
  onDemandCount: number;
  /** Cost allocation: farm, client, job(s), request. */
  tags: { farm: string; client: string; jobs: string[]; request: string };
}

export interface LaunchedInstance {
  instanceId: string;
  instanceType: string;
  market: Market;
  /** Availability zone or subnet, when the cloud says (for the node's tags). */
  placement?: string;
}

/** Why part of a fleet did not launch, per instance type (EC2's error codes, or the simulator's). */
export interface LaunchError {
  code: string;
  message: string;
  instanceType?: string;
}

export interface LaunchResult {
  launched: LaunchedInstance[];
  errors: LaunchError[];
}

export type InstanceState = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

export interface CloudInstance {
  instanceId: string;
  instanceType: string;
  state: InstanceState;
  market: Market;
}

export interface CloudCapacity {
  /**
   * Launch what the cloud can of the spec now. Capacity shortfalls come back in `errors`
   * (partial fulfilment is a result, not an exception). Throws RetryableError when the cloud
   * throttled or timed out throughout: nothing may have launched, and the same token is safe to retry.
   */
  launch(spec: LaunchSpec): Promise<LaunchResult>;
  /** Idempotent: terminating a terminated instance is not an error. */
  terminate(instanceIds: string[]): Promise<void>;
  describe(instanceIds: string[]): Promise<CloudInstance[]>;
}

/** Error codes that mean "this type (or pool) has no capacity now": try the next type. */
export const capacityErrorCodes: readonly string[] = [
  "InsufficientInstanceCapacity", "SpotMaxPriceTooLow", "InsufficientCapacity", "MaxSpotInstanceCountExceeded",
  "UnfulfillableCapacity", "InsufficientHostCapacity",
];

/** Error codes that mean "slow down": back off and retry the same request. */
export const throttleErrorCodes: readonly string[] = ["RequestLimitExceeded", "Throttling", "ThrottlingException"];
