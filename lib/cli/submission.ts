/**
 * `burstfarm submit FILE`: the POST /jobs body from a file. An OpenJD template (YAML or JSON with
 * `specificationVersion`) or job bundle folder becomes `{template, parameters}` (bundle values,
 * then `--param` on top); any other JSON file is the native form. Flags override the file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { OpenJdError, loadJob, parseDocumentText } from "../openjd/index.ts";
import { CliError, exitCodes } from "./exit-codes.ts";

export interface SubmitFlags {
  param?: string[];
  client?: string;
  name?: string;
  priority?: number;
  /** Already an ISO string (or null for none). */
  deadline?: string | null;
  kind?: string;
  secondsPerTask?: number;
}

export function parseParams(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 1) throw new CliError(`--param expects NAME=VALUE, got ${JSON.stringify(pair)}`, exitCodes.usage);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function submissionBody(path: string, f: SubmitFlags): Record<string, unknown> {
  if (!existsSync(path)) throw new CliError(`${path}: no such file or directory`, exitCodes.usage);
  const params = parseParams(f.param);
  let body: Record<string, unknown>;
  try {
    if (statSync(path).isDirectory()) {
      const bundle = loadJob(path);
      body = { template: bundle.templateText, parameters: { ...stringValues(bundle.parameterValues), ...params } };
    } else {
      const text = readFileSync(path, "utf8");
      const doc = parseDocumentText(text, path);
      if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new CliError(`${path}: expected a JSON/YAML object`, exitCodes.usage);
      if ("specificationVersion" in doc) body = { template: text, parameters: params };
      else {
        if (Object.keys(params).length > 0) throw new CliError("--param applies to OpenJD templates; this file is a native job", exitCodes.usage);
        body = { ...(doc as Record<string, unknown>) };
      }
    }
  } catch (err) {
    if (err instanceof OpenJdError) throw new CliError(err.issues.map((i) => `${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n"), exitCodes.usage);
    throw err;
  }
  const openjd = "template" in body;
  if (f.client !== undefined) body.client = f.client;
  if (f.name !== undefined) body.name = f.name;
  if (f.priority !== undefined) body.priority = f.priority;
  if (f.deadline !== undefined) body.deadline = f.deadline;
  if (f.kind !== undefined) body.kind = f.kind;
  if (f.secondsPerTask !== undefined) {
    if (openjd) body.secondsPerTask = f.secondsPerTask;
    else body.secondsPerFrame = f.secondsPerTask;
  }
  return body;
}

function stringValues(v: Record<string, unknown>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "number" ? x : String(x)]));
}
