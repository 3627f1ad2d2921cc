import { ValidationError } from "./errors.ts";

/** Rejects unknown step references and dependency cycles, naming the cycle (`a → b → a`). */
export function checkStepGraph(steps: readonly { name: string; dependsOn: readonly string[] }[], field = "steps"): void {
  const byName = new Map<string, readonly string[]>();
  steps.forEach((s, i) => {
    if (byName.has(s.name)) throw new ValidationError(`${field}[${i}].name`, `duplicate step name "${s.name}"`);
    byName.set(s.name, s.dependsOn);
  });
  steps.forEach((s, i) => s.dependsOn.forEach((d, j) => {
    if (!byName.has(d)) throw new ValidationError(`${field}[${i}].dependsOn[${j}]`, `no step named "${d}"`);
  }));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new ValidationError(`${field}.dependsOn`, `dependency cycle: ${cycle.join(" → ")}`);
    }
    state.set(name, "visiting");
    path.push(name);
    for (const d of byName.get(name) ?? []) visit(d);
    path.pop();
    state.set(name, "done");
  };
  for (const s of steps) visit(s.name);
}
