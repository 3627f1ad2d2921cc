import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import LongFirst from "./test/support/long-first.ts";

/**
 * Files whose farms run on a real clock scaled up (the local farm at 60×, agent processes with
 * spot notices and crashes): a busy core shifts their timing, so they run first, one at a time,
 * with nothing beside them. On a 2-core machine (2026-12-02) the local farm's end-to-end test
 * failed in one of two full runs with two forks, and again beside a simulator run and two other
 * test files; alone it passed every time.
 */
const CLOCKED = [
  "test/e2e/local-farm.test.ts",
  "test/integration/agent/agent-survives.test.ts",
  "test/integration/agent/agent-renders.test.ts",
];

const shared = {
  environment: "node" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
  // The SDK's Node 20 notice (support ends January 2027) once per test fork is noise, not a finding.
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
};

export default defineConfig({
  test: {
    ...shared,
    sequence: { sequencer: LongFirst },
    projects: [
      { test: { ...shared, name: "clocked", include: CLOCKED, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      // One fork per core: Vitest's default (cores − 1) ran the whole suite in ONE fork on a 2-core
      // machine, 298 s against 183 s with two (2026-12-02).
      { test: { ...shared, name: "suite", include: ["test/**/*.test.ts"], exclude: CLOCKED, maxWorkers: availableParallelism(), sequence: { groupOrder: 1 } } },
    ],
  },
});
