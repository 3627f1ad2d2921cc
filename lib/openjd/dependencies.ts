/** Step dependencies (spec §3.2): every `dependsOn` names a step of the job; no cycles. */
import { at, type Issues } from "./errors.ts";
import type { StepTemplate } from "./model.ts";

export function checkStepDependencies(steps: readonly StepTemplate[], path: string, issues: Issues): void {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const edges: number[][] = steps.map(() => []);
  steps.forEach((step, i) => {
    step.dependencies?.forEach((dep, j) => {
      const depPath = at(at(at(at(path, i), "dependencies"), j), "dependsOn");
      const target = index.get(dep.dependsOn);
      if (target === undefined) {
        issues.add(depPath, `no step is named "${dep.dependsOn}" (steps: ${steps.map((s) => s.name).join(", ")})`);
      } else if (target === i) {
        issues.add(depPath, `step "${step.name}" cannot depend on itself`);
      } else if (edges[i]!.includes(target)) {
        issues.add(depPath, `duplicate dependency on "${dep.dependsOn}"`);
      } else {
        edges[i]!.push(target);
      }
    });
  });
  const cycle = findCycle(edges);
  if (cycle) {
    const names = cycle.map((i) => steps[i]!.name);
    issues.add(at(at(path, cycle[0]!), "dependencies"), `steps depend on each other in a cycle: ${[...names, names[0]].join(" → ")}`);
  }
}

/** First cycle found by depth-first search, as step indices in dependency order. */
function findCycle(edges: readonly number[][]): number[] | undefined {
  const state = new Uint8Array(edges.length); // 0 new, 1 on the stack, 2 done
  const stack: number[] = [];
  const visit = (node: number): number[] | undefined => {
    state[node] = 1;
    stack.push(node);
    for (const next of edges[node]!) {
      if (state[next] === 1) return stack.slice(stack.indexOf(next));
      if (state[next] === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state[node] = 2;
    return undefined;
  };
  for (let i = 0; i < edges.length; i++) {
    if (state[i] === 0) {
      const found = visit(i);
      if (found) return found;
    }
  }
  return undefined;
}

/** Names of the steps each step depends on, in template order. */
export function dependsOnNames(step: StepTemplate): string[] {
  return (step.dependencies ?? []).map((d) => d.dependsOn);
}
