/**
 * Every real OpenJD job template in the fixtures (the spec's samples and the Deadline Cloud
 * sample bundles) runs end to end through the agent's session runner: environments entered,
 * the first task of every step run, environments exited. DCCs (Blender, Maya, ffmpeg, After
 * Effects, the Maya adaptor) are stub executables on PATH that print their arguments; bash and
 * python are the machine's own. Steps that need files the data does not ship (bundle scripts,
 * adaptor wheels) or a Python module this machine lacks are skipped, each with its reason.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Cancellation } from "../../../lib/agent/cancellation.ts";
import { OpenJdSession } from "../../../lib/agent/openjd/session.ts";
import { instantiateJob, parseDocumentText, taskAt, validateJobTemplate, type JobTemplate } from "../../../lib/openjd/index.ts";
import { openjdData, rel, walk } from "../../unit/openjd/openjd-data.ts";

const dir = mkdtempSync(join(tmpdir(), "bf-samples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, "bin");
execFileSync("mkdir", ["-p", bin, join(dir, "out")]);
for (const dcc of ["maya-openjd", "ffmpeg", "mayapy", "aerender", "MayaAdaptor", "blender", "Render"]) {
  writeFileSync(join(bin, dcc), `#!/bin/bash\necho "${dcc} stub: $*"\n`);
  chmodSync(join(bin, dcc), 0o755);
}

const hasPython = (module: string) => { try { execFileSync("python", ["-c", `import ${module}`], { stdio: "ignore" }); return true; } catch { return false; } };
const bundle = "deadline-cloud-samples/job_bundles/";
/** Steps this machine cannot run, and why (checked, not assumed, where the check is cheap). */
const cannotRun: Record<string, string | undefined> = {
  [`${bundle}job_attachments_devguide/template.yaml Step`]: "runs the bundle's script.sh, which the data does not ship",
  [`${bundle}job_dev_progression/stage_1_self_contained_template/template.yaml InitializeWithBash`]: "copies sample_dataset/, which the fixtures do not ship",
  [`${bundle}job_dev_progression/stage_1_self_contained_template/template.yaml ProcessWithPython`]: hasPython("polars") ? undefined : "needs the polars Python module",
  [`${bundle}job_dev_progression/stage_2_bundled_scripts/template.yaml InitializeWithBash`]: "runs the bundle's scripts/, which the data does not ship",
  [`${bundle}job_dev_progression/stage_2_bundled_scripts/template.yaml ProcessWithPython`]: "runs the bundle's scripts/, which the data does not ship",
  [`${bundle}job_dev_progression/stage_4_bundled_python_package/template.yaml Initialize`]: "installs the bundle's Python package, which the data does not ship",
  [`${bundle}job_dev_progression/stage_4_bundled_python_package/template.yaml Process`]: "installs the bundle's Python package, which the data does not ship",
  [`${bundle}tile_render_maya_ffmpeg_for_blogpost/template.yaml tile render`]: "builds a venv from attached adaptor wheels with /usr/local/bin/python3",
  [`${bundle}tile_render_maya_ffmpeg_for_blogpost/template.yaml tile assembly`]: "builds a venv from attached adaptor wheels with /usr/local/bin/python3",
};

const templates = walk(openjdData).filter((p) => /\.(ya?ml|json)$/.test(p) && !p.includes("conformance-tests") && readFileSync(p, "utf8").includes("jobtemplate-2023-09"));
const steps = templates.flatMap((path) => {
  // job_env_with_new_command sleeps 12.5–27.5 s on purpose; what it tests (a command the job
  // environment adds to PATH through openjd_env) runs the same with a 0.1–0.2 s sleep.
  const text = readFileSync(path, "utf8").replace("random-sleep 12.5 27.5", "random-sleep 0.1 0.2");
  const doc = parseDocumentText(text) as JobTemplate;
  const values: Record<string, unknown> = {};
  for (const d of doc.parameterDefinitions ?? []) {
    if (d.default === undefined) values[d.name] = d.allowedValues?.[0] ?? (d.type === "INT" || d.type === "FLOAT" ? d.minValue ?? 1 : d.type === "PATH" ? join(dir, "out") : "placeholder");
  }
  const job = instantiateJob(doc, values, { templateDir: dirname(path), cwd: dir });
  return job.steps.map((step) => ({ name: `${rel(path)} ${step.name}`, template: validateJobTemplate(doc), parameters: job.parameters, step }));
});

describe("the OpenJD samples run through the session runner", () => {
  it("finds every sample step", () => {
    expect(steps.length).toBe(41);
  });

  it.each(steps.map((s) => [s.name, s] as const))("%s", async (name, s) => {
    const reason = cannotRun[name];
    if (reason) return void expect(reason).toBeTruthy();
    const session = new OpenJdSession({ template: s.template, parameters: s.parameters, stepName: s.step.name, root: dir, baseEnv: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    const lines: string[] = [];
    const hooks = { log: (l: string) => lines.push(l), progress: () => {}, status: () => {} };
    let outcome = await session.open(hooks, new Cancellation());
    if (outcome.ok) outcome = await session.runTask(taskAt(s.step.parameterSpace, 0), hooks, new Cancellation());
    const closed = await session.close(hooks);
    expect({ outcome, closed, tail: outcome.ok ? [] : lines.slice(-5) }).toMatchObject({ outcome: { ok: true }, closed: { ok: true } });
  });
});
