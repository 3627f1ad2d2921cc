import { describe, expect, it } from "vitest";
import { instantiateJob, parseDocumentText, resolveTaskAction, taskAt, validateJobTemplate } from "../../../lib/openjd/index.ts";

const text = `
specificationVersion: jobtemplate-2023-09
name: x
parameterDefinitions:
- {name: Scene, type: PATH, default: /shots/a.blend}
steps:
- name: Render
  parameterSpace:
    taskParameterDefinitions: [{name: Frame, type: INT, range: "1-100"}]
  script:
    actions:
      onRun:
        command: blender
        args: ["-b", "{{Param.Scene}}", "-f", "{{Task.Param.Frame}}", "-o", "{{Session.WorkingDirectory}}/out"]
        timeout: 600
`;

describe("resolving a task's action", () => {
  it("substitutes job and task parameters and leaves host values for the agent", () => {
    const job = instantiateJob(text);
    const template = validateJobTemplate(parseDocumentText(text));
    const task = taskAt(job.steps[0]!.parameterSpace, 41);
    expect(resolveTaskAction(template, "Render", job.parameters, task)).toEqual({
      command: "blender",
      args: ["-b", "/shots/a.blend", "-f", "42", "-o", "{{Session.WorkingDirectory}}/out"],
      timeoutSec: 600,
    });
  });

  it("names an unknown step", () => {
    const template = validateJobTemplate(parseDocumentText(text));
    expect(() => resolveTaskAction(template, "Comp", {}, {})).toThrow('step: no step is named "Comp"');
  });
});
