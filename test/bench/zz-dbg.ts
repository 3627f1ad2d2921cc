import fc from "fast-check";
import { cloudLowerBound, unavoidablyLate } from "../../lib/planner/bounds/index.ts";
import { anInstance } from "../unit/planner/bounds/arbitrary-instance.ts";
import { solveLp } from "../unit/planner/bounds/dense-simplex.ts";
import { cloudLp } from "../unit/planner/bounds/lp-from-instance.ts";
const samples = fc.sample(anInstance({ classes: 2 }), { numRuns: 400, seed: 7 });
let shown = 0; const ratios: number[] = [];
for (const inst of samples) {
  const late = new Set(unavoidablyLate(inst));
  const jobs = inst.jobs.filter(j => !late.has(j.id));
  const lp = solveLp(cloudLp(inst, jobs));
  if (lp.status !== "optimal" || lp.value < 1e-9) continue;
  const b = cloudLowerBound(inst);
  ratios.push(b.cost / lp.value);
  if (b.cost / lp.value < 0.5 && shown < 2) { shown++; console.log(JSON.stringify({ ...inst, jobs }), lp.value, b); }
}
ratios.sort((a, b) => a - b);
console.log(ratios.length, ratios.filter(r => r > 1 - 1e-6).length, ratios.slice(0, 12).map(r => r.toFixed(3)).join(" "));
