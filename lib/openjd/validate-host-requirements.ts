/** Validation of a step's `hostRequirements` (spec §3.3). */
import { at, type Issues } from "./errors.ts";
import * as check from "./check.ts";
import type { Json } from "./check.ts";
import { checkFormatString, hasReferences, type RefScope } from "./format-string.ts";
import type { AmountRequirement, AttributeRequirement, HostRequirements } from "./model.ts";

const ID = "[A-Za-z_][A-Za-z0-9_]*";
const AMOUNT_NAME = new RegExp(`^(${ID}:)?amount(\\.${ID})+$`);
const ATTR_NAME = new RegExp(`^(${ID}:)?attr(\\.${ID})+$`);
export const ATTRIBUTE_VALUE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Values the spec defines for its standard attributes (compared case-insensitively). */
const STANDARD_VALUES: Record<string, string[]> = {
  "attr.worker.os.family": ["linux", "windows", "macos"],
  "attr.worker.cpu.arch": ["x86_64", "arm64"],
};

export function validateHostRequirements(value: Json, path: string, issues: Issues, scope: RefScope): HostRequirements | undefined {
  const req = check.object(value, path, issues, { required: [], optional: ["amounts", "attributes"] });
  if (!req) return undefined;
  if (req["amounts"] === undefined && req["attributes"] === undefined) issues.add(path, "must define amounts or attributes (or both)");
  const amounts = check.list(req["amounts"], at(path, "amounts"), issues, { min: 1 });
  const attributes = check.list(req["attributes"], at(path, "attributes"), issues, { min: 1 });
  const total = (amounts?.length ?? 0) + (attributes?.length ?? 0);
  if (total > 50) issues.add(path, `at most 50 amounts and attributes in total, has ${total}`);
  const seen = new Map<string, string>();
  const result: HostRequirements = {};
  if (amounts) result.amounts = amounts.flatMap((a, i) => validateAmount(a, at(at(path, "amounts"), i), issues, seen) ?? []);
  if (attributes) result.attributes = attributes.flatMap((a, i) => validateAttribute(a, at(at(path, "attributes"), i), issues, seen, scope) ?? []);
  return result;
}

const STANDARD_AMOUNTS = ["amount.worker.vcpu", "amount.worker.memory", "amount.worker.gpu", "amount.worker.gpu.memory", "amount.worker.disk.scratch"];
/** Scopes only OpenJD itself may define names in (reference: openjd-model _capabilities.py). */
const RESERVED_SCOPES = ["worker", "job", "step", "task"];

function capabilityName(value: Json | undefined, path: string, issues: Issues, pattern: RegExp, kind: "amount" | "attr", seen: Map<string, string>): string | undefined {
  const name = check.string(value, path, issues, { min: 1, max: 100, pattern, patternHint: `a capability name like ${kind}.custom.example` });
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  const standard = kind === "amount" ? STANDARD_AMOUNTS.includes(lower) : lower in STANDARD_VALUES;
  if (!standard && !hasReferences(name) && RESERVED_SCOPES.includes(lower.split(".")[1] ?? "")) {
    issues.add(path, `"${name}" is not a standard capability; only OpenJD defines names under ${kind}.${lower.split(".")[1]}. (use e.g. ${kind}.custom.…)`);
  }
  const key = name.toLowerCase();
  const first = seen.get(key);
  if (first) issues.add(path, `capability "${name}" is already required at ${first}`);
  else seen.set(key, path);
  return name;
}

function validateAmount(value: Json, path: string, issues: Issues, seen: Map<string, string>): AmountRequirement | undefined {
  const amount = check.object(value, path, issues, { required: ["name"], optional: ["min", "max"] });
  if (!amount) return undefined;
  const name = capabilityName(amount["name"], at(path, "name"), issues, AMOUNT_NAME, "amount", seen);
  const min = check.number(amount["min"], at(path, "min"), issues, { min: 0 });
  const max = check.number(amount["max"], at(path, "max"), issues, { exclusiveMin: 0 });
  if (min === undefined && max === undefined && amount["min"] === undefined && amount["max"] === undefined) {
    issues.add(path, "must give min or max (or both)");
  }
  if (min !== undefined && max !== undefined && min > max) issues.add(at(path, "min"), `min ${min} is greater than max ${max}`);
  if (name === undefined) return undefined;
  return { name, ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

function validateAttribute(value: Json, path: string, issues: Issues, seen: Map<string, string>, scope: RefScope): AttributeRequirement | undefined {
  const attr = check.object(value, path, issues, { required: ["name"], optional: ["anyOf", "allOf"] });
  if (!attr) return undefined;
  const name = capabilityName(attr["name"], at(path, "name"), issues, ATTR_NAME, "attr", seen);
  if (attr["anyOf"] === undefined && attr["allOf"] === undefined) issues.add(path, "must give anyOf or allOf (or both)");
  const result: AttributeRequirement = { name: name ?? "" };
  for (const key of ["anyOf", "allOf"] as const) {
    const listPath = at(path, key);
    const items = check.list(attr[key], listPath, issues, { min: 1, max: 50 });
    if (!items) continue;
    result[key] = [];
    // A host has one OS family and one CPU architecture: allOf can hold only one of them.
    if (key === "allOf" && name && STANDARD_VALUES[name.toLowerCase()] && items.length > 1) {
      issues.add(listPath, `${name} has one value per host; allOf cannot require ${items.length}`);
    }
    items.forEach((item, i) => {
      const text = check.string(item, at(listPath, i), issues, { min: 1 });
      if (text === undefined) return;
      result[key]!.push(text);
      if (hasReferences(text)) checkFormatString(text, at(listPath, i), issues, scope);
      else checkAttributeValue(name, text, at(listPath, i), issues);
    });
  }
  return name === undefined ? undefined : result;
}

/** Also used after `{{Param.X}}` in a value has been resolved at submission. */
export function checkAttributeValue(name: string | undefined, text: string, path: string, issues: Issues): void {
  if (text.length > 100 || !ATTRIBUTE_VALUE.test(text)) {
    issues.add(path, `${JSON.stringify(text)} is not an attribute value (latin letters, digits, _ and -, starting with a letter or _, at most 100)`);
    return;
  }
  const standard = name ? STANDARD_VALUES[name.toLowerCase()] : undefined;
  // Values are case-sensitive, as in the reference ("Linux" is not "linux").
  if (standard && !standard.includes(text)) {
    issues.add(path, `${JSON.stringify(text)} is not a value of ${name} (one of ${standard.join(", ")})`);
  }
}
