import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  OpenJdError, expandTasks, instantiateJob, parseDocumentText, resolveTaskAction, validateJobTemplate,
  type InstantiatedJob, type TaskParams,
} from "../../../lib/openjd/index.ts";
import { conformanceDir, rel, walk } from "./openjd-data.ts";

interface Vector {
  template: { steps: { script: { actions: { onRun: { args: string[] } } } }[] };
  expected?: { output: string[]; forbidden?: string[] };
}

const files = walk(conformanceDir);
const vectors = files.filter((p) => p.endsWith(".test.yaml") && !p.includes(".invalid."));
const invalid = files.filter((p) => p.includes(".invalid."));
const load = (path: string) => parseDocumentText(readFileSync(path, "utf8")) as Vector;

/**
 * What each task would print: the vector's onRun is `python -c "print(r'…{{Task.Param.X}}…')"`,
 * so the resolved action's argument holds the line the task prints.
 */
function printedLines(vector: Vector, job: InstantiatedJob): string[] {
  const template = validateJobTemplate(vector.template);
  return expandTasks(job.steps[0]!.parameterSpace).map((task: TaskParams) => {
    const action = resolveTaskAction(template, job.steps[0]!.name, job.parameters, task);
    expect(action.command).toBe("python");
    return /^print\(r'(.*)'\)$/.exec(action.args[1]!)![1]!;
  });
}

describe("OpenJD conformance vectors", () => {
  it("are all present", () => {
    expect(vectors).toHaveLength(6);
    expect(invalid).toHaveLength(1);
  });

  it.each(vectors.map((p) => [rel(p), p]))("%s gives exactly its expected tasks, in order", (_name, path) => {
    const vector = load(path);
    const lines = printedLines(vector, instantiateJob(vector.template));
    expect(lines).toEqual(vector.expected!.output);
    for (const forbidden of vector.expected!.forbidden ?? []) {
      // A forbidden line may be a prefix of a task's line ("TASK:Frame=3" forbids Frame 3 in any combination).
      expect(lines.filter((l) => l === forbidden || l.startsWith(`${forbidden},`))).toEqual([]);
    }
  });

  it.each(invalid.map((p) => [rel(p), p]))("%s is rejected, naming the combination", (_name, path) => {
    const vector = load(path);
    let error: unknown;
    try {
      instantiateJob(vector.template);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OpenJdError);
    const issues = (error as OpenJdError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe("steps[0].parameterSpace.combination");
    expect(issues[0]!.message).toBe(
      "the members of association (A, (B, C)) must have the same number of values: A has 3, (B, C) has 2",
    );
  });

  it("target-runtime.yaml chunks 1-10 by 5 and carries the target runtime", () => {
    const job = instantiateJob(readFileSync(`${conformanceDir}/TASK_CHUNKING/job_templates/target-runtime.yaml`, "utf8"));
    const step = job.steps[0]!;
    expect(expandTasks(step.parameterSpace)).toEqual([{ Frame: "1-5" }, { Frame: "6-10" }]);
    expect(step.framesPerTask).toBe(5);
    expect(step.chunking).toEqual({ parameter: "Frame", defaultTaskCount: 5, contiguous: true, targetRuntimeSeconds: 60 });
  });
});
