import { describe, expect, it } from "vitest";
import { OpenJdError, instantiateJob, resolveParameterValues, type JobParameterDefinition } from "../../../lib/openjd/index.ts";

const defs: JobParameterDefinition[] = [
  { name: "Frames", type: "STRING", default: "1-10", maxLength: 20 },
  { name: "Samples", type: "INT", default: 64, minValue: 1, maxValue: "4096" },
  { name: "Scale", type: "FLOAT", default: "1.0", allowedValues: [0.5, "1.0", 2] },
  { name: "Quality", type: "STRING", allowedValues: ["draft", "final"], default: "draft" },
  { name: "Scene", type: "PATH" },
];

function problems(given: Record<string, unknown>): string[] {
  try {
    resolveParameterValues(defs, given);
  } catch (err) {
    return (err as OpenJdError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe("job parameter values", () => {
  it("coerces command-line strings to the parameter's type and fills defaults", () => {
    expect(resolveParameterValues(defs, { Samples: "128", Scale: "0.5", Scene: "/shots/a.blend" })).toEqual({
      Frames: "1-10", Samples: 128, Scale: 0.5, Quality: "draft", Scene: "/shots/a.blend",
    });
  });

  it("checks type, range, allowed values and length, and names each parameter", () => {
    expect(problems({ Samples: "12.5", Scale: "3", Quality: "ultra", Frames: "1-100000,200000-300000", Scene: "/s" })).toEqual([
      'parameters.Frames: is 22 characters long; maxLength is 20',
      'parameters.Samples: "12.5" is not an integer',
      "parameters.Scale: 3 is not one of the allowed values [0.5,1,2]",
      'parameters.Quality: "ultra" is not one of the allowed values ["draft","final"]',
    ]);
    expect(problems({ Samples: 0, Scene: "/s" })).toEqual(["parameters.Samples: 0 is less than minValue 1"]);
    expect(problems({ Samples: 5000, Scene: "/s" })).toEqual(["parameters.Samples: 5000 is greater than maxValue 4096"]);
  });

  it("requires a value when there is no default, and rejects unknown names (but not render-manager ones)", () => {
    expect(problems({ Typo: "x", "deadline:priority": 50 })).toEqual([
      "parameters.Typo: unknown job parameter (defined: Frames, Samples, Scale, Quality, Scene)",
      "parameters.Scene: no value given and the PATH parameter has no default",
    ]);
  });

  it("rejects a template whose default breaks its own constraints", () => {
    expect(() => instantiateJob(`
specificationVersion: jobtemplate-2023-09
name: x
parameterDefinitions:
- {name: N, type: INT, default: 0, minValue: 1}
- {name: Q, type: STRING, default: ultra, allowedValues: [draft, final]}
steps: [{name: A, script: {actions: {onRun: {command: x}}}}]
`)).toThrow('parameterDefinitions[0].default: 0 is less than minValue 1\nparameterDefinitions[1].default: "ultra" is not one of the allowed values ["draft","final"]');
  });

  it("rejects fields that belong to another parameter type", () => {
    expect(() => instantiateJob(`
specificationVersion: jobtemplate-2023-09
name: x
parameterDefinitions:
- {name: N, type: INT, minLength: 2}
steps: [{name: A, script: {actions: {onRun: {command: x}}}}]
`)).toThrow("parameterDefinitions[0].minLength: is not a field of a INT parameter");
  });
});

describe("relative PATH values (as openjd-model's create_job)", () => {
  const tpl = {
    specificationVersion: "jobtemplate-2023-09", name: "p",
    parameterDefinitions: [{ name: "Scripts", type: "PATH", default: "./scripts/../bin" }, { name: "Out", type: "PATH" }, { name: "Empty", type: "PATH", default: "" }],
    steps: [{ name: "s", script: { actions: { onRun: { command: "{{Param.Scripts}}/run", args: ["{{Param.Out}}"] } } } }],
  };
  it("joins a default to the template's directory and a given value to the submitter's directory", () => {
    const job = instantiateJob(tpl, { Out: "renders/out" }, { templateDir: "/bundles/shot", cwd: "/home/artist" });
    expect(job.parameters).toEqual({ Scripts: "/bundles/shot/bin", Out: "/home/artist/renders/out", Empty: "" });
  });
  it("keeps relative values as written without a base (an API submission: the agent resolves them in the session)", () => {
    expect(instantiateJob(tpl, { Out: "renders/out" }).parameters).toEqual({ Scripts: "./scripts/../bin", Out: "renders/out", Empty: "" });
  });
});
