/** Re-exports the planner builders plus the default policy, for the baseline tests. */
import { defaultPolicy, type Policy } from "../../../lib/planner/index.ts";
export { aClient, aJob, aNode, anOffer, aSnapshot, HOUR, MIN, T0 } from "../../builders/planner.ts";
export const defaultPolicyFor = (): Policy => defaultPolicy;
