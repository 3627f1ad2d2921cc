export * from "./types.ts";
export { plan, SOLVER_TIME_LIMIT_SEC, type PlanOptions } from "./plan.ts";
export type { LpModel, LpSolution, LpSolver, LpStatus, SolveOptions, StartFrom, StartMapping } from "./lp/solver.ts";
export { defaultPolicy, withPolicy } from "./policy.ts";
export { taskId, parseTaskId } from "./task-id.ts";
export { speedOf } from "./matching/node-classes.ts";
