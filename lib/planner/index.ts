export * from "./types.ts";
export { plan } from "./plan.ts";
export { defaultPolicy, withPolicy } from "./policy.ts";
export { taskId, parseTaskId } from "./task-id.ts";
