import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The "suite" group's long files, longest first (seconds per file in one full run, 2026-12-02, on
 * a busy 2-core machine: monitor 30, the CDK synth 20, the API fuzz 15,
 * the Lambda bundle 11; most files take 1-4; the clocked files run alone before them,
 * vitest.config.ts). Vitest orders by the durations it cached on the last run; a clean clone has
 * none and orders by file size, which can start a long file last and leave one fork idle while
 * the other finishes it. These start first; everything else keeps Vitest's own order.
 */
const LONG_FILES = [
  "test/e2e/monitor.test.ts",
  "test/infra/burstfarm-stack.test.ts",
  "test/integration/http/api.fuzz.test.ts",
  "test/infra/planner-bundle.test.ts",
];

export default class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONG_FILES.findIndex((p) => f.moduleId.replaceAll("\\", "/").endsWith(p));
      return i < 0 ? LONG_FILES.length : i;
    };
    const own = await super.sort(files);
    const at = new Map(own.map((f, i) => [f, i]));
    return [...own].sort((a, b) => rank(a) - rank(b) || at.get(a)! - at.get(b)!);
  }
}
