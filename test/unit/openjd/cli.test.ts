import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../lib/cli/openjd-command.ts";
import { openjdData, repoRoot } from "./openjd-data.ts";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await run(argv, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "openjd-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template = `
specificationVersion: jobtemplate-2023-09
name: "Shot {{Param.Shot}}"
parameterDefinitions:
- {name: Shot, type: STRING, default: sh010}
- {name: Frames, type: STRING, default: "1-3"}
steps:
- name: Render
  parameterSpace:
    taskParameterDefinitions:
    - {name: Frame, type: INT, range: "{{Param.Frames}}"}
    - {name: Pass, type: STRING, range: [beauty, shadow]}
  hostRequirements: {amounts: [{name: amount.worker.memory, min: 8192}]}
  script: {actions: {onRun: {command: render, args: ["{{Task.Param.Frame}}"]}}}
- name: Encode
  dependencies: [{dependsOn: Render}]
  script: {actions: {onRun: {command: ffmpeg}}}
`;
const templateFile = join(dir, "job.yaml");
writeFileSync(templateFile, template);

describe("burstfarm openjd expand", () => {
  it("prints steps and tasks as JSON, with --param overriding defaults", async () => {
    const { code, out, err } = await cli("expand", templateFile, "--param", "Frames=5-6", "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      steps: [
        {
          name: "Render", dependsOn: [],
          tasks: [
            { Frame: 5, Pass: "beauty" }, { Frame: 5, Pass: "shadow" }, { Frame: 6, Pass: "beauty" }, { Frame: 6, Pass: "shadow" },
          ],
        },
        { name: "Encode", dependsOn: ["Render"], tasks: [{}] },
      ],
    });
  });

  it("prints a readable summary without --json", async () => {
    const { code, out } = await cli("expand", templateFile);
    expect(code).toBe(0);
    expect(out).toContain('Job "Shot sh010": 2 steps, 7 tasks');
    expect(out).toContain("  Render: 6 tasks\n    requires: ≥8 GiB RAM\n    task 0: Frame=1, Pass=beauty\n");
    expect(out).toContain("    task 5: Frame=3, Pass=shadow\n");
    expect(out).toContain("  Encode: 1 task\n    after: Render\n");
  });

  it("reads a job bundle directory with its parameter_values file", async () => {
    const bundle = join(dir, "bundle");
    mkdirSync(bundle);
    writeFileSync(join(bundle, "template.yaml"), template);
    writeFileSync(join(bundle, "parameter_values.yaml"), "parameterValues:\n- {name: Frames, value: '10-11'}\n- {name: 'deadline:priority', value: 50}\n");
    const { code, out } = await cli("expand", bundle, "--json");
    expect(code).toBe(0);
    expect(JSON.parse(out).steps[0].tasks.map((t: { Frame: number }) => t.Frame)).toEqual([10, 10, 11, 11]);
  });

  it("exits 2 with the failing field on stderr for bad input", async () => {
    const bad = await cli("expand", templateFile, "--param", "Frames=1-x", "--json");
    expect(bad).toEqual({
      code: 2, out: "",
      err: 'burstfarm openjd: invalid input:\n  steps[0].parameterSpace.taskParameterDefinitions[0].range: "1-x" is not a range expression: "1-x" is not an integer, "a-b" or "a-b:step"\n',
    });
    expect((await cli("expand", join(dir, "missing.yaml"))).code).toBe(2);
    expect((await cli("expand", templateFile, "--param", "Frames")).err).toContain("--param expects NAME=VALUE");
    expect((await cli("frobnicate", templateFile)).err).toContain('unknown subcommand "frobnicate"');
    expect((await cli("expand", templateFile, "--param", "Nope=1")).err).toContain("parameters.Nope: unknown job parameter");
  });

  it("validates without expanding", async () => {
    const { code, out } = await cli("validate", join(openjdData, "deadline-cloud-samples/job_bundles/blender_render"));
    expect(code).toBe(0);
    expect(out).toMatch(/template\.yaml: valid\n$/);
  });

  it("works end to end through bin/burstfarm.js", () => {
    const bin = join(repoRoot, "bin/burstfarm.js");
    const ok = spawnSync(process.execPath, [bin, "openjd", "expand", templateFile, "--param", "Frames=7", "--json"], { cwd: repoRoot, encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).steps[0].tasks).toEqual([{ Frame: 7, Pass: "beauty" }, { Frame: 7, Pass: "shadow" }]);
    const bad = spawnSync(process.execPath, [bin, "openjd", "expand", templateFile, "--param", "Frames=x"], { cwd: repoRoot, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("steps[0].parameterSpace.taskParameterDefinitions[0].range");
  });
});
