import { describe, expect, it } from "vitest";
import { instantiateJob, toRequirements } from "../../../lib/openjd/index.ts";

describe("host requirements → planner requirements", () => {
  it("maps the standard amounts and attributes, converting MiB to GiB", () => {
    expect(toRequirements({
      amounts: [
        { name: "amount.worker.vcpu", min: 8 },
        { name: "amount.worker.memory", min: 16384 },
        { name: "amount.worker.gpu", min: 1 },
        { name: "amount.worker.gpu.memory", min: 12288 },
        { name: "amount.worker.disk.scratch", min: 100 },
      ],
      attributes: [
        { name: "attr.worker.os.family", anyOf: ["Linux", "windows"] },
        { name: "attr.worker.cpu.arch", allOf: ["x86_64"] },
        { name: "attr.custom.license", anyOf: ["houdini"] },
      ],
    })).toEqual({
      minVcpu: 8, minMemoryGiB: 16, minGpuCount: 1, minGpuMemoryGiB: 12,
      os: ["linux", "windows"], cpuArch: ["x86_64"],
      amounts: { "amount.worker.disk.scratch": { min: 100 } },
      attributes: { "attr.custom.license": { anyOf: ["houdini"] } },
    });
  });

  it("compares capability names case-insensitively and keeps a max", () => {
    expect(toRequirements({ amounts: [{ name: "Amount.Worker.VCPU", min: 2, max: 4 }] })).toEqual({
      minVcpu: 2, amounts: { "amount.worker.vcpu": { min: 2, max: 4 } },
    });
  });

  it("is empty (any host) without host requirements", () => {
    expect(toRequirements(undefined)).toEqual({});
  });

  it("resolves job parameters in attribute values at submission and checks the result", () => {
    const template = `
specificationVersion: jobtemplate-2023-09
name: x
parameterDefinitions: [{name: Os, type: STRING, default: linux}]
steps:
- name: A
  hostRequirements: {attributes: [{name: attr.worker.os.family, anyOf: ["{{Param.Os}}"]}]}
  script: {actions: {onRun: {command: x}}}
`;
    expect(instantiateJob(template).steps[0]!.requirements).toEqual({ os: ["linux"] });
    expect(() => instantiateJob(template, { Os: "beos" })).toThrow(
      'steps[0].hostRequirements.attributes[0].anyOf[0]: "beos" is not a value of attr.worker.os.family (one of linux, windows, macos)',
    );
  });
});
