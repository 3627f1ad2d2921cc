/**
 * A Lambda handler from lambdas/<entry>.ts with the project's defaults: Node.js 22, arm64,
 * bundled by the LOCAL esbuild (never Docker, so synth works offline), ESM output, one log
 * group with a retention, Powertools settings from the environment.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { type ICommandHooks, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The planner's solver (HiGHS compiled to WebAssembly): a run-time asset, not an import, so it rides `besideBundle`. */
export const highsWasm = "node_modules/highs/build/highs.wasm";

export interface HandlerFunctionProps {
  /** File under lambdas/, without extension: "api", "planner", … */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** Default 30 seconds. */
  readonly timeout?: Duration;
  /** Default 512 MB. */
  readonly memorySize?: number;
  /** Cap parallel copies (e.g. the planner: one cycle at a time is enough). */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Files (paths from the repository root) copied next to the bundle's index.mjs: assets a
   * dependency loads at run time rather than imports, e.g. the planner's HiGHS WebAssembly
   * (`node_modules/highs/build/highs.wasm`, found beside the bundle by lib/solver/highs-solver.ts).
   */
  readonly besideBundle?: readonly string[];
}

export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, "Logs", { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, "Fn", {
      entry: path.join(repoRoot, "lambdas", `${props.entry}.ts`),
      handler: "handler",
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, "package-lock.json"),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      logGroup,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: `burstfarm-${props.entry}`,
        POWERTOOLS_METRICS_NAMESPACE: "burstfarm",
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        minify: true,
        sourceMap: true,
        mainFields: ["module", "main"],
        // Some dependencies are CommonJS and call require(); give the ESM bundle one.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        externalModules: ["@aws-sdk/*"],
        ...(props.besideBundle?.length ? { commandHooks: besideBundleHooks(props.besideBundle) } : {}),
      },
    });
  }
}

/** Local bundling runs these in a shell after esbuild; `inputDir` is the project root. */
function besideBundleHooks(files: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => files.map((f) => `cp "${path.join(inputDir, f)}" "${outputDir}/"`),
  };
}
