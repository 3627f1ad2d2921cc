import { describe, expect, it } from "vitest";
import { OpenJdError, instantiateJob, parseDocumentText, validateJobTemplate, type Issue } from "../../../lib/openjd/index.ts";

function issuesOf(template: string, values: Record<string, unknown> = {}): Issue[] {
  try {
    instantiateJob(template, values);
  } catch (err) {
    if (err instanceof OpenJdError) return err.issues;
    throw err;
  }
  throw new Error("expected the template to be rejected");
}

const RUN = "script: {actions: {onRun: {command: echo}}}";

describe("template validation errors name the field and the problem", () => {
  it("reports several problems at once, each with its path", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: Bad
steps:
- name: A
  ${RUN}
- name: B
  dependencies: [{dependsOn: A}, {dependsOn: Nope}]
  parameterSpace:
    taskParameterDefinitions:
    - {name: Frame, type: INT, range: "1-x"}
    - {name: Other, type: INT, range: "{{Param.Missing}}"}
    combination: "Frame * Other * Ghost"
  hostRequirements:
    amounts: [{name: amount.worker.memory, min: -5}]
    attributes: [{name: attr.worker.os.family, anyOf: [beos]}]
  script: {actions: {onRun: {command: echo, args: ["{{Task.Param.Frme}}"], tiemout: 5}}}
  colour: blue
`);
    expect(issues.map((i) => i.path).sort()).toEqual([
      "steps[1].colour",
      "steps[1].dependencies[1].dependsOn",
      "steps[1].hostRequirements.amounts[0].min",
      "steps[1].hostRequirements.attributes[0].anyOf[0]",
      "steps[1].parameterSpace.combination",
      "steps[1].parameterSpace.taskParameterDefinitions[0].range",
      "steps[1].parameterSpace.taskParameterDefinitions[1].range",
      "steps[1].script.actions.onRun.args[0]",
      "steps[1].script.actions.onRun.tiemout",
    ]);
    const message = (path: string) => issues.find((i) => i.path === path)!.message;
    expect(message("steps[1].parameterSpace.taskParameterDefinitions[0].range")).toContain('"1-x" is not a range');
    expect(message("steps[1].parameterSpace.combination")).toBe("refers to undefined task parameters: Ghost");
    expect(message("steps[1].dependencies[1].dependsOn")).toBe('no step is named "Nope" (steps: A, B)');
    expect(message("steps[1].colour")).toMatch(/^unknown field/);
    expect(message("steps[1].hostRequirements.attributes[0].anyOf[0]")).toContain("linux, windows, macos");
  });

  it("formats the whole error as path: message lines", () => {
    expect(() => validateJobTemplate(parseDocumentText(`specificationVersion: jobtemplate-2023-09\nname: x\nsteps: []\nextra: 1\n`)))
      .toThrow(/^extra: unknown field \(allowed: .*\)\nsteps: must have at least 1 element$/);
  });

  it("names a dependency cycle", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: Cyc
steps:
- {name: Render, dependencies: [{dependsOn: Comp}], ${RUN}}
- {name: Encode, dependencies: [{dependsOn: Render}], ${RUN}}
- {name: Comp, dependencies: [{dependsOn: Encode}], ${RUN}}
`);
    expect(issues).toEqual([{ path: "steps[0].dependencies", message: "steps depend on each other in a cycle: Render → Comp → Encode → Render" }]);
  });

  it("rejects duplicate step names", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: x
steps:
- {name: A, ${RUN}}
- {name: A, ${RUN}}
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual(['steps[1].name: duplicate step name "A" (also steps[0])']);
  });

  it("rejects a step that depends on itself", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: x
steps:
- {name: A, dependencies: [{dependsOn: A}], ${RUN}}
`);
    expect(issues).toEqual([{ path: "steps[0].dependencies[0].dependsOn", message: 'step "A" cannot depend on itself' }]);
  });

  it("requires the TASK_CHUNKING extension for CHUNK[INT] and checks its chunks", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: C
steps:
- name: A
  parameterSpace:
    taskParameterDefinitions:
    - {name: F, type: "CHUNK[INT]", range: "1-10", chunks: {defaultTaskCount: 0, rangeConstraint: SOMETIMES}}
  ${RUN}
`);
    expect(issues.map((i) => i.path)).toEqual([
      "steps[0].parameterSpace.taskParameterDefinitions[0].type",
      "steps[0].parameterSpace.taskParameterDefinitions[0].chunks.defaultTaskCount",
      "steps[0].parameterSpace.taskParameterDefinitions[0].chunks.rangeConstraint",
    ]);
    expect(issues[0]!.message).toContain("requires the TASK_CHUNKING extension");
  });

  it("checks a range that comes from a job parameter once the value is known", () => {
    const template = `
specificationVersion: jobtemplate-2023-09
name: "Render {{RawParam.Shot}}"
parameterDefinitions:
- {name: Frames, type: STRING, default: "1-10"}
- {name: Shot, type: PATH}
steps:
- name: A
  parameterSpace:
    taskParameterDefinitions:
    - {name: F, type: INT, range: "{{Param.Frames}}"}
  ${RUN}
`;
    expect(instantiateJob(template, { Shot: "sh010" }).name).toBe("Render sh010");
    expect(issuesOf(template, { Shot: "sh010", Frames: "1-x" })).toEqual([{
      path: "steps[0].parameterSpace.taskParameterDefinitions[0].range",
      message: '"1-x" is not a range expression: "1-x" is not an integer, "a-b" or "a-b:step"',
    }]);
  });

  it("keeps PATH parameters' mapped value out of submission-time fields", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: "Render {{Param.Shot}}"
parameterDefinitions: [{name: Shot, type: PATH}]
steps: [{name: A, ${RUN}}]
`, { Shot: "/s" });
    expect(issues).toEqual([{ path: "name", message: "{{Param.Shot}}: a PATH parameter's Param value is only available in environments and step scripts; use {{RawParam.Shot}}" }]);
  });

  it("rejects association members of different lengths and CHUNK[INT] inside an association", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
extensions: [TASK_CHUNKING]
name: x
steps:
- name: A
  parameterSpace:
    taskParameterDefinitions:
    - {name: F, type: "CHUNK[INT]", range: "1-10", chunks: {defaultTaskCount: 2, rangeConstraint: CONTIGUOUS}}
    - {name: L, type: STRING, range: [a, b]}
    combination: "(F, L)"
  ${RUN}
`);
    expect(issues).toEqual([{ path: "steps[0].parameterSpace.combination", message: "the CHUNK[INT] parameter F cannot be part of an association" }]);
  });

  it("rejects wrong value types in lists, with the element's index", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: x
steps:
- name: A
  parameterSpace:
    taskParameterDefinitions:
    - {name: F, type: INT, range: [1, "2", "three", 4.5]}
    - {name: S, type: STRING, range: [ok, 7]}
  ${RUN}
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "steps[0].parameterSpace.taskParameterDefinitions[1].range[1]: expected a string, got number 7",
      'steps[0].parameterSpace.taskParameterDefinitions[0].range[2]: "three" is not an integer',
      "steps[0].parameterSpace.taskParameterDefinitions[0].range[3]: 4.5 is not an integer",
    ]);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(() => parseDocumentText("name: [a, b\nsteps: 1\n")).toThrow(/template is not valid YAML: .*line \d+/);
  });

  it("rejects an unsupported specification version and unknown extensions", () => {
    const issues = issuesOf(`specificationVersion: jobtemplate-2099\nextensions: [TELEPORT]\nname: x\nsteps: [{name: A, ${RUN}}]\n`);
    expect(issues.map((i) => i.path)).toEqual(["specificationVersion", "extensions[0]"]);
  });
});

describe("environments, scripts and UI metadata", () => {
  it("checks environments, embedded files and their references", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: x
jobEnvironments:
- name: Setup
- name: Conda
  script:
    actions: {onEnter: {command: "{{Env.File.Missing}}"}}
    embeddedFiles: [{name: Init, type: BINARY, data: "echo"}]
steps:
- name: A
  stepEnvironments: [{name: Conda, variables: {OK_NAME: "1", 9BAD: x}}]
  script:
    actions: {onRun: {command: "{{Task.File.Run}}", cancelation: {mode: TERMINATE, notifyPeriodInSeconds: 5}}}
    embeddedFiles: [{name: Run, type: TEXT, data: "{{Param.Nope}}", filename: "dir/run.sh"}]
`);
    expect(issues.map((i) => i.path)).toEqual([
      "jobEnvironments[0]",
      "jobEnvironments[1].script.embeddedFiles[0].type",
      "jobEnvironments[1].script.actions.onEnter.command",
      "steps[0].stepEnvironments[0].variables.9BAD",
      "steps[0].script.embeddedFiles[0].filename",
      "steps[0].script.embeddedFiles[0].data",
      "steps[0].script.actions.onRun.cancelation.notifyPeriodInSeconds",
      "steps[0].stepEnvironments[0].name",
    ]);
    expect(issues[2]!.message).toBe('{{Env.File.Missing}} refers to embedded file "Missing", which this environment does not define');
    expect(issues[7]!.message).toBe('"Conda" is already the name of a job environment');
  });

  it("requires allowedValues for a dropdown", () => {
    const issues = issuesOf(`
specificationVersion: jobtemplate-2023-09
name: x
parameterDefinitions: [{name: Q, type: STRING, default: a, userInterface: {control: DROPDOWN_LIST}}]
steps: [{name: A, ${RUN}}]
`);
    expect(issues).toEqual([{ path: "parameterDefinitions[0].userInterface.control", message: "DROPDOWN_LIST requires allowedValues" }]);
  });
});

describe("alignment with the reference (openjd-model) where it is stricter", () => {
  const withStep = (step: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    specificationVersion: "jobtemplate-2023-09", name: "t", ...extra,
    steps: [{ name: "s", script: { actions: { onRun: { command: "true" } } }, ...step }],
  });
  const problems = (doc: unknown) => { try { validateJobTemplate(doc); return []; } catch (e) { return (e as OpenJdError).issues.map((i) => `${i.path}: ${i.message}`); } };

  it("refuses an empty args list", () => {
    expect(problems(withStep({ script: { actions: { onRun: { command: "true", args: [] } } } }))).toEqual([expect.stringMatching(/^steps\[0\]\.script\.actions\.onRun\.args: /)]);
  });

  it("refuses a STRING parameter with a numeric default", () => {
    expect(problems(withStep({}, { parameterDefinitions: [{ name: "Shot", type: "STRING", default: 5 }] })))
      .toEqual(['parameterDefinitions[0].default: expected a string (quote it: "5")']);
  });

  it("refuses non-standard names under amount.worker / attr.worker, and OS values in the wrong case", () => {
    expect(problems(withStep({ hostRequirements: { amounts: [{ name: "amount.worker.licences", min: 1 }] } }))).toHaveLength(1);
    expect(problems(withStep({ hostRequirements: { attributes: [{ name: "attr.worker.os.family", anyOf: ["Linux"] }] } }))).toHaveLength(1);
    expect(problems(withStep({ hostRequirements: { attributes: [{ name: "attr.worker.os.family", allOf: ["linux", "macos"] }] } }))).toHaveLength(1);
    expect(problems(withStep({ hostRequirements: { amounts: [{ name: "amount.worker.disk.scratch", min: 1 }], attributes: [{ name: "attr.custom.pool", anyOf: ["A"] }] } }))).toEqual([]);
  });

  it("accepts an environment with only onExit, refuses one with neither", () => {
    const env = (actions: Record<string, unknown>) => withStep({}, { jobEnvironments: [{ name: "E", script: { actions } }] });
    expect(problems(env({ onExit: { command: "true" } }))).toEqual([]);
    expect(problems(env({}))).toEqual(["jobEnvironments[0].script.actions: define onEnter, onExit or both"]);
  });
});
