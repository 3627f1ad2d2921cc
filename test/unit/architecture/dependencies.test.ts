import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);

describe("dependency direction (planner ← service ← adapters, lambdas, sim, cli)", () => {
  const planner = tsFiles(join(root, "lib/planner"));

  it("keeps the planner pure: no AWS, no I/O, no clock, no randomness", () => {
    const offenders: string[] = [];
    for (const f of planner) {
      const src = readFileSync(f, "utf8");
      for (const spec of importsOf(f)) if (!spec.startsWith(".")) offenders.push(`${relative(root, f)} imports ${spec}`);
      if (/\bDate\.now\(|new Date\(\)|Math\.random\(|performance\.now\(/.test(src)) offenders.push(`${relative(root, f)} reads the clock or randomness`);
    }
    expect(offenders).toEqual([]);
  });

  it("never imports from outside lib/planner in the planner", () => {
    const escapes = planner.flatMap((f) => importsOf(f).filter((s) => s.startsWith(".")).map((s) => ({ f, target: join(f, "..", s) })))
      .filter(({ target }) => !target.startsWith(join(root, "lib/planner")))
      .map(({ f, target }) => `${relative(root, f)} → ${relative(root, target)}`);
    expect(escapes).toEqual([]);
  });

  it("keeps runtime code away from the CDK infrastructure and tests", () => {
    const runtime = ["lib/planner", "lib/service", "lib/adapters", "lib/openjd", "lib/sim", "lambdas"].flatMap((d) => {
      try { return tsFiles(join(root, d)); } catch { return []; }
    });
    const bad = runtime.flatMap((f) => importsOf(f).filter((s) => s.includes("/infra/") || s.includes("aws-cdk-lib") || s.includes("/test/")).map((s) => `${relative(root, f)} imports ${s}`));
    expect(bad).toEqual([]);
  });
});
