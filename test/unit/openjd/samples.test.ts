import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  instantiateJob, parseDocumentText, taskAt, validateTemplate,
  type JobParameterDefinition, type JobTemplate,
} from "../../../lib/openjd/index.ts";
import { openjdData, rel, walk } from "./openjd-data.ts";

// Every template in the OpenJD fixtures: files that declare a specificationVersion.
// (samples/sample-template.yaml is a contributor skeleton without one, so it is not a template.)
const templates = walk(openjdData)
  .filter((p) => /\.(ya?ml|json)$/.test(p) && !p.includes("conformance-tests"))
  .filter((p) => /^\s*specificationVersion:/m.test(readFileSync(p, "utf8")));
const jobTemplates = templates.filter((p) => readFileSync(p, "utf8").includes("jobtemplate-2023-09"));

describe("real sample templates", () => {
  it("finds all of them (a missing or extra file fails here)", () => {
    expect(templates).toHaveLength(25);
    expect(jobTemplates).toHaveLength(20);
    expect(templates.filter((p) => p.includes("deadline-cloud-samples"))).toHaveLength(17);
  });

  it.each(templates.map((p) => [rel(p), p]))("%s is valid", (_name, path) => {
    const template = validateTemplate(parseDocumentText(readFileSync(path, "utf8")));
    expect(template.specificationVersion).toMatch(/^(jobtemplate|environment)-2023-09$/);
  });

  it.each(jobTemplates.map((p) => [rel(p), p]))("%s instantiates with its defaults plus placeholder values", (_name, path) => {
    const doc = parseDocumentText(readFileSync(path, "utf8")) as JobTemplate;
    const job = instantiateJob(doc, placeholders(doc.parameterDefinitions ?? []));
    expect(job.steps.length).toBe(doc.steps.length);
    for (const step of job.steps) {
      expect(step.taskCount).toBeGreaterThan(0);
      // The last task is reachable by index, without expanding the others.
      expect(() => taskAt(step.parameterSpace, step.taskCount - 1)).not.toThrow();
    }
  });

  it("blender_render expands its frame range from the Frames parameter", () => {
    const text = readFileSync(join(openjdData, "deadline-cloud-samples/job_bundles/blender_render/template.yaml"), "utf8");
    const job = instantiateJob(text, { BlenderSceneFile: "/scenes/car.blend", OutputDir: "/out", Frames: "1-150:2" });
    const render = job.steps[0]!;
    expect(render.taskCount).toBe(75);
    expect(taskAt(render.parameterSpace, 74)).toEqual({ Frame: 149 });
  });

  it("host-requirements.yaml maps to planner requirements", () => {
    const text = readFileSync(join(openjdData, "openjd-specifications/samples/v2023-09/job_templates/host-requirements.yaml"), "utf8");
    const [one, two] = instantiateJob(text).steps;
    expect(one!.requirements).toEqual({
      minVcpu: 1, minMemoryGiB: 0.25, os: ["linux", "macos"],
      amounts: { "amount.worker.vcpu": { min: 1, max: 1 }, "amount.worker.memory": { min: 256, max: 1024 } },
      attributes: { "attr.custom.host_config": { anyOf: ["HostConfigA", "HostConfigC"] } },
    });
    expect(two!.requirements.minMemoryGiB).toBe(8);
    expect(two!.requirements.os).toEqual(["linux"]);
  });
});

/** A value for every parameter without a default, of the right type and within its constraints. */
function placeholders(defs: JobParameterDefinition[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of defs) {
    if (def.default !== undefined) continue;
    if (def.allowedValues) values[def.name] = def.allowedValues[0];
    else if (def.type === "INT" || def.type === "FLOAT") values[def.name] = def.minValue ?? 1;
    else values[def.name] = def.type === "PATH" ? "/tmp/placeholder" : "placeholder";
  }
  return values;
}
