/** OpenJD (`jobtemplate-2023-09`) support: parse, validate, instantiate, expand. */
export { OpenJdError, formatIssue, type Issue } from "./errors.ts";
export type * from "./model.ts";
export { parseDocumentText, parameterValuesFrom, loadJob, type LoadedJob } from "./load.ts";
export { validateTemplate, validateJobTemplate, validateEnvironmentTemplate } from "./validate-template.ts";
export { instantiateJob, MAX_TASKS_PER_STEP, type InstantiatedJob, type InstantiatedStep } from "./create-job.ts";
export {
  countTasks, taskAt, iterateTasks, expandTasks, chunkedParameter, framesInTask,
  type ParameterSpace, type SpaceNode, type Dimension, type TaskParams, type ChunkSpec,
} from "./parameter-space.ts";
export { parseRangeExpr, rangeLength, rangeValueAt, compactRangeExpr, type Segment } from "./range-expr.ts";
export { parseCombination, combinationToString, type CombinationNode } from "./combination.ts";
export { resolveParameterValues, coerceValue, type ParamValue, type ParamValues, type PathBase } from "./parameter-values.ts";
export { toRequirements } from "./requirements.ts";
export { resolveFormatString, parseFormatString } from "./format-string.ts";
export { resolveTaskAction, type TaskAction } from "./task-action.ts";
