import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suite's long files, longest first (seconds per file in one full run, 2026-12-02, on a busy
 * 2-core machine: local-farm 47, monitor 30, the agent process tests 26 and 25, the CDK synth 20,
 * the CLI through bin/ 19, the API fuzz 15, the Lambda bundle 11; most files take 1-4). Vitest
 * orders by the durations it cached on the last run; a clean clone has
 * none and orders by file size, which can start a long file last and leave one fork idle while
 * the other finishes it. These start first; everything else keeps Vitest's own order.
 */
const LONG_FILES = [
  "test/e2e/local-farm.test.ts",
  "test/e2e/monitor.test.ts",
  "test/integration/agent/agent-survives.test.ts",
  "test/integration/agent/agent-renders.test.ts",
  "test/infra/burstfarm-stack.test.ts",
  "test/unit/openjd/cli.test.ts",
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
