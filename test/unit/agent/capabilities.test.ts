import { describe, expect, it } from "vitest";
import { detectCapabilities } from "../../../lib/agent/capabilities.ts";
import { validateJobTemplate } from "../../../lib/openjd/index.ts";

describe("capability detection", () => {
  it("speaks OpenJD names, memory in MiB, GPUs from nvidia-smi's answer, tags as custom attributes", () => {
    const caps = detectCapabilities(["gpu-farm", "studio=north", "attr.custom.licence=arnold"], [{ model: "NVIDIA L4", memoryMiB: 23034 }]);
    expect(caps.amounts["amount.worker.vcpu"]).toBe(caps.vcpu);
    expect(caps.amounts["amount.worker.memory"]).toBeGreaterThan(0);
    expect(caps.amounts).toMatchObject({ "amount.worker.gpu": 1, "amount.worker.gpu.memory": 23034 });
    expect(caps.attributes).toMatchObject({
      "attr.worker.os.family": [caps.os], "attr.worker.cpu.arch": [caps.cpuArch],
      "attr.custom.tags": ["gpu-farm"], "attr.custom.studio": ["north"], "attr.custom.licence": ["arnold"],
    });
    expect(["x86_64", "arm64"]).toContain(caps.cpuArch);
  });

  it("every attribute it publishes is one a template may require", () => {
    const caps = detectCapabilities(["studio=north"], []);
    const attributes = Object.entries(caps.attributes).map(([name, values]) => ({ name, anyOf: values }));
    expect(() => validateJobTemplate({
      specificationVersion: "jobtemplate-2023-09", name: "t",
      steps: [{ name: "s", hostRequirements: { attributes }, script: { actions: { onRun: { command: "true" } } } }],
    })).not.toThrow();
  });
});
