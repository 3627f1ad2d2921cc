/**
 * `npm run synth` as a studio engineer runs it, offline: the CDK CLI runs lib/infra/app.ts,
 * bundles every Lambda with the local esbuild, and cdk-nag AwsSolutions fails the synth on any
 * unacknowledged finding. Bad context fails fast, naming the key.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "burstfarm-synth-"));
// Offline: no credentials, no instance metadata lookups, no notices.
const env = { ...process.env, AWS_EC2_METADATA_DISABLED: "true", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", CDK_DISABLE_VERSION_CHECK: "1" };
const synth = (...args: string[]) => run("npm", ["run", "--silent", "synth", "--", "--no-notices", "--quiet", "-o", out, ...args], { cwd: root, env, timeout: 240_000, maxBuffer: 16 << 20 });

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("npm run synth", () => {
  it("synthesizes the whole stack offline with cdk-nag clean", async () => {
    await synth();
    const t = JSON.parse(readFileSync(join(out, "Burstfarm.template.json"), "utf8")) as { Resources: Record<string, { Type: string }> };
    const types = Object.values(t.Resources).map((r) => r.Type);
    for (const type of ["AWS::EC2::LaunchTemplate", "AWS::S3::Bucket", "AWS::Events::Rule", "AWS::CloudWatch::Dashboard", "AWS::DynamoDB::Table"]) expect(types).toContain(type);
    expect(types.filter((x) => x === "AWS::Lambda::Function")).toHaveLength(6);
  }, 240_000);

  it("refuses bad context before building anything, naming the key", async () => {
    await expect(synth("-c", "burstfarm:maxSpendPerHour=-5")).rejects.toMatchObject({ stderr: expect.stringContaining("burstfarm:maxSpendPerHour must be a positive number") });
  }, 120_000);
});
