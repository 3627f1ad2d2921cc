/**
 * Submission: template + parameter values → what the backend stores for a job.
 *
 *   instantiateJob(template, { Frames: "1-100" }) →
 *     { name, description?, parameters, steps: [{ name, dependsOn, requirements, taskCount,
 *       framesPerTask, parameterSpace, chunking? }] }
 *
 * `template` is the template text (YAML or JSON) or an already parsed document. Job
 * parameters are coerced and checked, `{{Param.X}}`/`{{RawParam.X}}` are resolved in the
 * job name, ranges, chunk sizes and host-requirement attributes, and each step's parameter
 * space is kept as compact JSON: task i's parameters are `taskAt(step.parameterSpace, i)`
 * at any later time, without storing one row per task. A chunked step's task is a chunk;
 * `framesPerTask` is then the chunk size (`defaultTaskCount`). Any problem throws one
 * `OpenJdError` listing every issue with its path (`steps[0].parameterSpace…`,
 * `parameters.Frames`), suitable for a 400 response.
 */
import type { Requirements } from "../planner/index.ts";
import { buildParameterSpace, type TaskParamInput } from "./build-space.ts";
import { checkStepDependencies, dependsOnNames } from "./dependencies.ts";
import { at, Issues } from "./errors.ts";
import { resolveFormatString } from "./format-string.ts";
import { intProblem } from "./integers.ts";
import { parseDocumentText } from "./load.ts";
import type { HostRequirements, JobTemplate, StepTemplate } from "./model.ts";
import { countTasks, type ChunkSpec, type ParameterSpace } from "./parameter-space.ts";
import { resolveParameterValues, valueText, type ParamValues, type PathBase } from "./parameter-values.ts";
import { toRequirements } from "./requirements.ts";
import { checkAttributeValue } from "./validate-host-requirements.ts";
import { validateJobTemplate } from "./validate-template.ts";

export interface InstantiatedStep {
  name: string;
  dependsOn: string[];
  requirements: Requirements;
  taskCount: number;
  framesPerTask: number;
  parameterSpace: ParameterSpace;
  /** Present when the step uses TASK_CHUNKING. */
  chunking?: { parameter: string } & ChunkSpec;
}

export interface InstantiatedJob {
  name: string;
  description?: string;
  parameters: ParamValues;
  steps: InstantiatedStep[];
}

/** Guards storage and planning against a typo like "1-100000000000". */
export const MAX_TASKS_PER_STEP = 10_000_000;

export function instantiateJob(template: string | unknown, parameterValues: Readonly<Record<string, unknown>> = {}, paths: PathBase = {}): InstantiatedJob {
  const doc = typeof template === "string" ? parseDocumentText(template) : template;
  const tpl: JobTemplate = validateJobTemplate(doc);
  const parameters = resolveParameterValues(tpl.parameterDefinitions ?? [], parameterValues, paths);
  const lookup = (ref: string): string | undefined => {
    const [scope, name, extra] = ref.split(".");
    if ((scope !== "Param" && scope !== "RawParam") || name === undefined || extra !== undefined) return undefined;
    const v = parameters[name];
    return v === undefined ? undefined : valueText(v);
  };
  const issues = new Issues();
  const name = resolveFormatString(tpl.name, lookup);
  if (name.length < 1 || [...name].length > 128) issues.add("name", `resolves to ${JSON.stringify(name)}, which must be 1 to 128 characters long`);
  const steps = tpl.steps.map((step, i) => instantiateStep(step, at("steps", i), lookup, issues));
  checkStepDependencies(tpl.steps, "steps", issues);
  issues.throwIfAny();
  return {
    name,
    ...(tpl.description !== undefined && { description: tpl.description }),
    parameters,
    steps: steps as InstantiatedStep[],
  };
}

type Lookup = (ref: string) => string | undefined;

function instantiateStep(step: StepTemplate, path: string, lookup: Lookup, issues: Issues): InstantiatedStep | undefined {
  const before = issues.count;
  const requirements = toRequirements(resolveHostRequirements(step.hostRequirements, at(path, "hostRequirements"), lookup, issues));
  let space: ParameterSpace | undefined = { root: null };
  let chunking: InstantiatedStep["chunking"];
  if (step.parameterSpace) {
    const spacePath = at(path, "parameterSpace");
    const inputs: TaskParamInput[] = step.parameterSpace.taskParameterDefinitions.map((def, j) => {
      const range = typeof def.range === "string"
        ? resolveFormatString(def.range, lookup)
        : def.range.map((v) => (typeof v === "string" ? resolveFormatString(v, lookup) : v));
      const input: TaskParamInput = { name: def.name, type: def.type, range };
      if (def.chunks) {
        const chunksPath = at(at(at(spacePath, "taskParameterDefinitions"), j), "chunks");
        const count = resolveInt(def.chunks.defaultTaskCount, at(chunksPath, "defaultTaskCount"), 1, lookup, issues);
        const target = def.chunks.targetRuntimeSeconds === undefined ? undefined
          : resolveInt(def.chunks.targetRuntimeSeconds, at(chunksPath, "targetRuntimeSeconds"), 0, lookup, issues);
        input.chunks = { rangeConstraint: def.chunks.rangeConstraint, defaultTaskCount: count ?? 1, ...(target !== undefined && { targetRuntimeSeconds: target }) };
        chunking = { parameter: def.name, defaultTaskCount: count ?? 1, contiguous: def.chunks.rangeConstraint === "CONTIGUOUS", ...(target !== undefined && { targetRuntimeSeconds: target }) };
      }
      return input;
    });
    space = buildParameterSpace(inputs, step.parameterSpace.combination, spacePath, issues);
  }
  if (!space || issues.count > before) return undefined;
  const taskCount = countTasks(space);
  if (taskCount > MAX_TASKS_PER_STEP) {
    issues.add(at(path, "parameterSpace"), `defines ${taskCount} tasks; at most ${MAX_TASKS_PER_STEP} are allowed per step`);
    return undefined;
  }
  return {
    name: step.name,
    dependsOn: dependsOnNames(step),
    requirements,
    taskCount,
    framesPerTask: chunking?.defaultTaskCount ?? 1,
    parameterSpace: space,
    ...(chunking && { chunking }),
  };
}

function resolveInt(value: number | string, path: string, min: number, lookup: Lookup, issues: Issues): number | undefined {
  const text = typeof value === "number" ? String(value) : resolveFormatString(value, lookup).trim();
  const n = Number(text);
  const problem = intProblem(text);
  if (problem || n < min) {
    issues.add(path, problem ? `resolves to ${JSON.stringify(text)}: ${problem}` : `resolves to ${JSON.stringify(text)}, which is not an integer ≥ ${min}`);
    return undefined;
  }
  return n;
}

function resolveHostRequirements(host: HostRequirements | undefined, path: string, lookup: Lookup, issues: Issues): HostRequirements | undefined {
  if (!host?.attributes) return host;
  const attributes = host.attributes.map((attr, i) => {
    const resolved = { ...attr };
    for (const key of ["anyOf", "allOf"] as const) {
      const values = attr[key];
      if (!values) continue;
      resolved[key] = values.map((v, k) => {
        if (!v.includes("{{")) return v;
        const text = resolveFormatString(v, lookup);
        checkAttributeValue(attr.name, text, at(at(at(at(path, "attributes"), i), key), k), issues);
        return text;
      });
    }
    return resolved;
  });
  return { ...host, attributes };
}
