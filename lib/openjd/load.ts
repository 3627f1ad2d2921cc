/**
 * Reading templates: text (YAML 1.2 or JSON) → document, and job bundles on disk (a
 * directory with template.yaml|json and optionally parameter_values.yaml|json, as the
 * Deadline Cloud CLI writes them).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { OpenJdError } from "./errors.ts";

/** Parses template or parameter-value text; syntax errors become an `OpenJdError` with the line. */
export function parseDocumentText(text: string, source = "template"): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new OpenJdError([{ path: "", message: `${source} is not valid JSON: ${(err as Error).message}` }], { cause: err });
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // prettyErrors puts "… at line L, column C:" on the first line, then a source excerpt.
    throw new OpenJdError(doc.errors.map((e) => ({ path: "", message: `${source} is not valid YAML: ${e.message.split("\n")[0]!.replace(/:$/, "")}` })));
  }
  try {
    // Aliases are capped so a "billion laughs" document cannot blow up memory.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new OpenJdError([{ path: "", message: `${source} is not valid YAML: ${(err as Error).message}` }], { cause: err });
  }
}

/**
 * Parameter values as a name → value map. Accepts Deadline Cloud's
 * `{parameterValues: [{name, value}, …]}` or a plain `{Name: value}` map.
 */
export function parameterValuesFrom(doc: unknown, source = "parameter values"): Record<string, unknown> {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new OpenJdError([{ path: "", message: `${source} must be a mapping of parameter names to values` }]);
  }
  const list = (doc as Record<string, unknown>)["parameterValues"];
  if (list === undefined) return { ...(doc as Record<string, unknown>) };
  if (!Array.isArray(list)) throw new OpenJdError([{ path: "parameterValues", message: "expected a list of {name, value}" }]);
  const out: Record<string, unknown> = {};
  list.forEach((item, i) => {
    const name = item && typeof item === "object" ? (item as Record<string, unknown>)["name"] : undefined;
    if (typeof name !== "string") throw new OpenJdError([{ path: `parameterValues[${i}].name`, message: "expected a parameter name" }]);
    out[name] = (item as Record<string, unknown>)["value"];
  });
  return out;
}

export interface LoadedJob {
  templatePath: string;
  templateText: string;
  /** From the bundle's parameter_values file; empty for a bare template file. */
  parameterValues: Record<string, unknown>;
}

function firstExisting(dir: string, names: string[]): string | undefined {
  return names.map((n) => join(dir, n)).find((p) => existsSync(p));
}

/** Loads a template file, or a job bundle directory. Missing files are `OpenJdError`s. */
export function loadJob(path: string): LoadedJob {
  if (!existsSync(path)) throw new OpenJdError([{ path: "", message: `${path}: no such file or directory` }]);
  if (!statSync(path).isDirectory()) {
    return { templatePath: path, templateText: readFileSync(path, "utf8"), parameterValues: {} };
  }
  const templatePath = firstExisting(path, ["template.yaml", "template.yml", "template.json"]);
  if (!templatePath) throw new OpenJdError([{ path: "", message: `${path}: a job bundle needs template.yaml or template.json` }]);
  const valuesPath = firstExisting(path, ["parameter_values.yaml", "parameter_values.yml", "parameter_values.json"]);
  const parameterValues = valuesPath
    ? parameterValuesFrom(parseDocumentText(readFileSync(valuesPath, "utf8"), valuesPath), valuesPath)
    : {};
  return { templatePath, templateText: readFileSync(templatePath, "utf8"), parameterValues };
}
