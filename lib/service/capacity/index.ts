/** Cloud capacity: the port, the guards, the launch/release use case and cloud notices. */
export * from "./cloud-capacity.ts";
export { guardLaunch, isLiveCloud, priceOf, type CapacityLimits, type GuardAnswer, type GuardAsk } from "./guards.ts";
export { planLaunches, substitutes, launchToken, type LaunchIntent, type PendingBurst } from "./launch-plan.ts";
export { cloudNodeRecord, launchFacts } from "./cloud-node.ts";
export { runCapacity, requestTtlMs, type CapacityInput, type CapacityResult } from "./run-capacity.ts";
export { releaseCloudNodes, releaseReason, silentGraceMs } from "./release-nodes.ts";
export { handleCloudNotice, type CloudNotice, type NoticeResult } from "./cloud-notice.ts";
