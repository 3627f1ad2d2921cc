/** The native JSON form (job-spec.ts) → a JobDraft, adding the low-quality preview pass if asked. */
import type { JobDraft, StepDraft } from "./build-job.ts";
import { everyNth, frameCount, parseFrames } from "./frames.ts";
import type { JobSpec } from "./job-spec.ts";
import { simulatedRun, type StepRunSpec } from "./run-spec.ts";

export function nativeDraft(spec: JobSpec): JobDraft {
  const given = spec.steps ?? [{
    name: "render", dependsOn: [], kind: spec.kind, role: "final" as const, frames: spec.frames!,
    chunkSize: spec.chunkSize, secondsPerFrame: spec.secondsPerFrame!, runtimeSpread: spec.runtimeSpread,
    requirements: spec.requirements, checkpointable: spec.checkpointable, run: spec.run,
  }];
  const runOf = new Map(given.map((s) => [s.name, s.run ?? spec.run ?? simulatedRun()]));
  const steps: StepDraft[] = given.map((s, i) => {
    const frames = parseFrames(s.frames, spec.steps ? `steps[${i}].frames` : "frames");
    return {
      name: s.name, dependsOn: s.dependsOn, kind: s.kind ?? spec.kind, role: s.role,
      taskCount: Math.ceil(frameCount(frames) / s.chunkSize), framesPerTask: s.chunkSize, frames,
      parameterSpace: null, secondsPerFrame: s.secondsPerFrame, runtimeSpread: s.runtimeSpread ?? spec.runtimeSpread,
      requirements: s.requirements ?? spec.requirements, checkpointable: s.checkpointable,
    };
  });
  const lq = spec.preview.lowQualityPass;
  // A cheap pass over every Nth frame of each final step, run first so artists see the shot early.
  const previews: StepDraft[] = lq ? steps.filter((s) => s.role === "final").map((s) => {
    const frames = everyNth(s.frames!, lq.everyNth);
    return {
      ...s, name: `${s.name}-preview`, role: "preview" as const, frames, framesPerTask: 1,
      taskCount: frameCount(frames), secondsPerFrame: s.secondsPerFrame * lq.quality, previewQuality: lq.quality,
      dependsOn: s.dependsOn.map((d) => `${d}-preview`).filter((d) => steps.some((x) => `${x.name}-preview` === d)),
    };
  }) : [];
  const all = [...previews, ...steps];
  const runSteps: StepRunSpec[] = all.map((s) => ({
    name: s.name, kind: s.kind, secondsPerFrame: s.secondsPerFrame / (s.previewQuality ?? 1),
    run: runOf.get(s.previewQuality === undefined ? s.name : s.name.replace(/-preview$/, "")) ?? simulatedRun(),
  }));
  return {
    client: spec.client, name: spec.name, priority: spec.priority, deadline: spec.deadline,
    steps: all, dependsOn: spec.dependsOn, energyIntensive: spec.energyIntensive,
    preview: {
      previewFirst: spec.preview.previewFirst, lowQualityPass: lq,
      approval: spec.preview.requireApproval ? "pending" : "not-required",
    },
    cloudAllowed: spec.cloudAllowed, source: "native",
    runSpec: { steps: runSteps },
  };
}
