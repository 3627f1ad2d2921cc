/**
 * Turns task parameter definitions (ranges already free of `{{Param.X}}`, or left undefined
 * while validating a template whose ranges still reference job parameters) and the
 * combination expression into a `ParameterSpace`, reporting every problem with its path.
 */
import { at, type Issues } from "./errors.ts";
import {
  combinationNames, combinationToString, namesInAssociations, parseCombination, type CombinationNode,
} from "./combination.ts";
import type { ChunkSpec } from "./chunking.ts";
import type { TaskParameterType } from "./model.ts";
import { countNode, type Dimension, type ParameterSpace, type SpaceNode } from "./parameter-space.ts";
import { intProblem } from "./integers.ts";
import { parseRangeExpr } from "./range-expr.ts";

export interface TaskParamInput {
  name: string;
  type: TaskParameterType;
  /** Undefined = not known yet (still holds format-string references). */
  range?: string | (string | number)[];
  chunks?: { defaultTaskCount?: number; targetRuntimeSeconds?: number; rangeConstraint: "CONTIGUOUS" | "NONCONTIGUOUS" };
}

const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function listValue(type: TaskParameterType, raw: string | number): { value: string | number } | { problem: string } {
  if (type === "INT" || type === "CHUNK[INT]") {
    const problem = intProblem(raw);
    return problem ? { problem } : { value: Number(raw) };
  }
  if (type === "FLOAT") {
    // A value written as a string keeps its text ("2.50" stays "2.50" on the command line), as
    // in the reference; a YAML/JSON number was already parsed, so it reads as JavaScript prints it.
    if (typeof raw === "number") return Number.isFinite(raw) ? { value: raw } : { problem: `${raw} is not a number` };
    if (FLOAT_TEXT.test(raw)) return { value: raw.trim() };
    return { problem: `${JSON.stringify(raw)} is not a number` };
  }
  const text = String(raw);
  if (type === "PATH" && text === "") return { problem: "a path must not be empty" };
  if ([...text].length > 1024) return { problem: "must be at most 1024 characters long" };
  return { value: text };
}

function dimension(param: TaskParamInput, path: string, issues: Issues): Dimension | undefined {
  const range = param.range!;
  if (typeof range === "string") {
    if (param.type !== "INT" && param.type !== "CHUNK[INT]") {
      issues.add(path, `a range expression is only allowed for INT parameters; give a list of ${param.type} values`);
      return undefined;
    }
    try {
      return { kind: "range", segments: parseRangeExpr(range) };
    } catch (err) {
      issues.add(path, (err as Error).message);
      return undefined;
    }
  }
  const values: (string | number)[] = [];
  const before = issues.count;
  range.forEach((raw, j) => {
    const v = listValue(param.type, raw);
    if ("problem" in v) issues.add(at(path, j), v.problem);
    else values.push(v.value);
  });
  return issues.count === before ? { kind: "list", values } : undefined;
}

export function buildParameterSpace(
  params: readonly TaskParamInput[], combination: string | undefined, path: string, issues: Issues,
): ParameterSpace | undefined {
  const before = issues.count;
  const nodes = new Map<string, SpaceNode | null>();
  params.forEach((p, i) => {
    const dim = p.range === undefined ? undefined : dimension(p, at(at(at(path, "taskParameterDefinitions"), i), "range"), issues);
    let chunks: ChunkSpec | undefined;
    if (p.chunks?.defaultTaskCount !== undefined) {
      chunks = { defaultTaskCount: p.chunks.defaultTaskCount, contiguous: p.chunks.rangeConstraint === "CONTIGUOUS" };
      if (p.chunks.targetRuntimeSeconds !== undefined) chunks.targetRuntimeSeconds = p.chunks.targetRuntimeSeconds;
    }
    const deferred = dim === undefined || (p.type === "CHUNK[INT]" && chunks === undefined);
    nodes.set(p.name, deferred ? null : { op: "param", name: p.name, type: p.type, dim: dim!, ...(chunks && { chunks }) });
  });

  const comboPath = at(path, "combination");
  let tree: CombinationNode;
  if (combination === undefined) {
    tree = { kind: "product", children: params.map((p) => ({ kind: "name" as const, name: p.name })) };
  } else {
    try {
      tree = parseCombination(combination);
    } catch (err) {
      issues.add(comboPath, `${JSON.stringify(combination)} is not a combination expression: ${(err as Error).message}`);
      return undefined;
    }
    const used = combinationNames(tree);
    const unknown = used.filter((n) => !nodes.has(n));
    const repeated = [...new Set(used.filter((n, i) => used.indexOf(n) !== i))];
    const missing = params.map((p) => p.name).filter((n) => !used.includes(n));
    if (unknown.length) issues.add(comboPath, `refers to undefined task parameters: ${unknown.join(", ")}`);
    if (repeated.length) issues.add(comboPath, `each parameter may appear only once; repeated: ${repeated.join(", ")}`);
    if (missing.length) issues.add(comboPath, `must use every task parameter; missing: ${missing.join(", ")}`);
    const chunked = params.find((p) => p.type === "CHUNK[INT]");
    if (chunked && namesInAssociations(tree).has(chunked.name)) {
      issues.add(comboPath, `the CHUNK[INT] parameter ${chunked.name} cannot be part of an association`);
    }
    if (issues.count > before) return undefined;
  }

  let complete = true;
  const build = (node: CombinationNode): SpaceNode | null => {
    if (node.kind === "name") {
      const n = nodes.get(node.name) ?? null;
      if (n === null) complete = false;
      return n;
    }
    const children = node.children.map(build);
    if (children.some((c) => c === null)) return null;
    const built = { op: node.kind, children: children as SpaceNode[] };
    if (node.kind === "assoc") {
      const lengths = built.children.map(countNode);
      if (lengths.some((l) => l !== lengths[0])) {
        const detail = node.children.map((c, k) => `${combinationToString(c)} has ${lengths[k]}`).join(", ");
        issues.add(comboPath, `the members of association ${combinationToString(node)} must have the same number of values: ${detail}`);
      }
    }
    return built;
  };
  const root = params.length === 0 ? null : build(tree);
  if (!complete || issues.count > before) return undefined;
  return { root: root && root.op === "product" && root.children.length === 1 ? root.children[0]! : root };
}
