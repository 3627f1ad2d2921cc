/**
 * Dependency graphs (job→job and step→step). A cycle is reported by naming it, e.g.
 * "a → b → c → a", so the submitter can see which edge to remove. Iterative DFS: deep chains
 * of thousands of jobs must not overflow the stack.
 */
export function findCycle(nodes: readonly string[], edgesOf: (id: string) => readonly string[]): string[] | null {
  const WHITE = 0, GREY = 1, BLACK = 2;
  const color = new Map<string, number>();
  for (const n of nodes) color.set(n, WHITE);
  for (const root of nodes) {
    if (color.get(root) !== WHITE) continue;
    const path: string[] = [root];
    const iters: number[] = [0];
    color.set(root, GREY);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const edges = edgesOf(top);
      const i = iters[iters.length - 1]!;
      if (i >= edges.length) {
        color.set(top, BLACK);
        path.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1] = i + 1;
      const next = edges[i]!;
      const c = color.get(next);
      if (c === undefined || c === BLACK) continue; // unknown ids are not cycles
      if (c === GREY) return [...path.slice(path.indexOf(next)), next];
      color.set(next, GREY);
      path.push(next);
      iters.push(0);
    }
  }
  return null;
}

export function describeCycle(cycle: readonly string[]): string {
  return cycle.join(" → ");
}

/**
 * Order in which every node comes after everything it depends on (Kahn). Nodes on a cycle are
 * left out; callers reject cycles first.
 */
export function topologicalOrder(nodes: readonly string[], edgesOf: (id: string) => readonly string[]): string[] {
  const known = new Set(nodes);
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of nodes) indegree.set(n, 0);
  for (const n of nodes) {
    for (const d of edgesOf(n)) {
      if (!known.has(d)) continue;
      indegree.set(n, indegree.get(n)! + 1);
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(n);
    }
  }
  const queue = nodes.filter((n) => indegree.get(n) === 0);
  for (let head = 0; head < queue.length; head++) {
    for (const m of dependents.get(queue[head]!) ?? []) {
      const left = indegree.get(m)! - 1;
      indegree.set(m, left);
      if (left === 0) queue.push(m);
    }
  }
  return queue;
}
