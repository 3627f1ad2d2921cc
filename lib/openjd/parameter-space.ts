/**
 * A step's parameter space as plain JSON-serializable data, plus index arithmetic over it:
 * `countTasks(space)` and `taskAt(space, i)` work without listing the tasks, so a
 * 100,000-task step costs a few numbers to store and O(depth · log segments) per lookup.
 * Order follows OpenJD: products are row-major (rightmost parameter varies fastest),
 * associations zip their members, range expressions ascend, lists keep their order.
 */
import { chunkAt, chunkSizeAt, countChunks, type ChunkSpec, type IntValues } from "./chunking.ts";
import { rangeLength, rangeValueAt, type Segment } from "./range-expr.ts";
import type { TaskParameterType } from "./model.ts";

export type { ChunkSpec } from "./chunking.ts";

/** Values of one parameter: an explicit list, or an INT range expression as segments. */
export type Dimension =
  | { kind: "list"; values: (string | number)[] }
  | { kind: "range"; segments: Segment[] };

export type SpaceNode =
  | { op: "param"; name: string; type: TaskParameterType; dim: Dimension; chunks?: ChunkSpec }
  | { op: "product"; children: SpaceNode[] }
  | { op: "assoc"; children: SpaceNode[] };

/** `root: null` is a step without a parameterSpace: exactly one task with no parameters. */
export interface ParameterSpace {
  root: SpaceNode | null;
}

/** Task parameter values: INT and FLOAT as numbers, STRING, PATH and chunks ("1-5") as strings. */
export type TaskParams = Record<string, string | number>;

const counts = new WeakMap<SpaceNode, number>();

export function countNode(node: SpaceNode): number {
  let n = counts.get(node);
  if (n === undefined) {
    if (node.op === "param") {
      n = node.chunks ? countChunks(node.dim as IntValues, node.chunks) : dimLength(node.dim);
    } else if (node.op === "product") {
      n = node.children.reduce((p, c) => p * countNode(c), 1);
    } else {
      n = countNode(node.children[0]!);
    }
    counts.set(node, n);
  }
  return n;
}

function dimLength(dim: Dimension): number {
  return dim.kind === "list" ? dim.values.length : rangeLength(dim.segments);
}

export function countTasks(space: ParameterSpace): number {
  return space.root === null ? 1 : countNode(space.root);
}

function fill(node: SpaceNode, index: number, out: TaskParams): void {
  switch (node.op) {
    case "param":
      if (node.chunks) out[node.name] = chunkAt(node.dim as IntValues, node.chunks, index);
      else out[node.name] = node.dim.kind === "list" ? node.dim.values[index]! : rangeValueAt(node.dim.segments, index);
      return;
    case "assoc":
      for (const child of node.children) fill(child, index, out);
      return;
    case "product": {
      // Row-major: peel indices off from the right, then fill left to right so the
      // parameters appear in the order the combination expression names them.
      const at = new Array<number>(node.children.length);
      let rest = index;
      for (let pos = node.children.length - 1; pos > 0; pos--) {
        const len = countNode(node.children[pos]!);
        at[pos] = rest % len;
        rest = Math.floor(rest / len);
      }
      at[0] = rest;
      node.children.forEach((child, pos) => fill(child, at[pos]!, out));
      return;
    }
  }
}

/** Parameter values of task `index` (0-based) without materializing the others. */
export function taskAt(space: ParameterSpace, index: number): TaskParams {
  const total = countTasks(space);
  if (!Number.isInteger(index) || index < 0 || index >= total) {
    throw new RangeError(`task index ${index} is outside 0..${total - 1}`);
  }
  const out: TaskParams = {};
  if (space.root !== null) fill(space.root, index, out);
  return out;
}

/** Every task in order; lazy, so callers may stop early. */
export function* iterateTasks(space: ParameterSpace): Generator<TaskParams> {
  const total = countTasks(space);
  for (let i = 0; i < total; i++) yield taskAt(space, i);
}

export function expandTasks(space: ParameterSpace): TaskParams[] {
  return [...iterateTasks(space)];
}

/**
 * Frames (values of the chunked parameter) in task `index`: 1 unless the step is chunked.
 * Chunks are spread evenly, so sizes differ by at most one within a contiguous run.
 */
export function framesInTask(space: ParameterSpace, index: number): number {
  taskAt(space, index); // validates the index
  const find = (node: SpaceNode, i: number): number => {
    if (node.op === "param") return node.chunks ? chunkSizeAt(node.dim as IntValues, node.chunks, i) : 1;
    if (node.op === "assoc") return Math.max(...node.children.map((c) => find(c, i)));
    let rest = i;
    let frames = 1;
    for (let pos = node.children.length - 1; pos >= 0; pos--) {
      const child = node.children[pos]!;
      const len = countNode(child);
      frames *= find(child, pos === 0 ? rest : rest % len);
      rest = Math.floor(rest / len);
    }
    return frames;
  };
  return space.root === null ? 1 : find(space.root, index);
}

/** The chunked parameter of a space, if any (at most one per step). */
export function chunkedParameter(space: ParameterSpace): { name: string; chunks: ChunkSpec } | undefined {
  const visit = (node: SpaceNode): { name: string; chunks: ChunkSpec } | undefined => {
    if (node.op === "param") return node.chunks ? { name: node.name, chunks: node.chunks } : undefined;
    for (const child of node.children) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return space.root === null ? undefined : visit(space.root);
}
