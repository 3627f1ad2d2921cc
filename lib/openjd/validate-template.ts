/**
 * Validates a parsed template document against the 2023-09 schemas (job or environment
 * template) and returns the typed model; all problems found are thrown together as one
 * `OpenJdError`, each naming its field.
 */
import { at, Issues } from "./errors.ts";
import * as check from "./check.ts";
import type { Json } from "./check.ts";
import { checkStepDependencies } from "./dependencies.ts";
import { checkFormatString, type RefScope } from "./format-string.ts";
import { EXTENSIONS, type EnvironmentTemplate, type Extension, type JobParameterType, type JobTemplate, type StepTemplate } from "./model.ts";
import { validateJobParameters } from "./validate-job-params.ts";
import { validateEnvironment, validateEnvironments } from "./validate-scripts.ts";
import { validateStep } from "./validate-step.ts";

export const JOB_TEMPLATE_VERSION = "jobtemplate-2023-09";
export const ENVIRONMENT_TEMPLATE_VERSION = "environment-2023-09";
const ROOT_FIELDS = ["specificationVersion", "$schema", "name", "description", "extensions", "parameterDefinitions", "jobEnvironments", "steps"];

export function validateTemplate(doc: unknown): JobTemplate | EnvironmentTemplate {
  const version = doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>)["specificationVersion"] : undefined;
  return version === ENVIRONMENT_TEMPLATE_VERSION ? validateEnvironmentTemplate(doc) : validateJobTemplate(doc);
}

export function validateJobTemplate(doc: unknown): JobTemplate {
  const issues = new Issues();
  const root = check.object(doc, "", issues, { required: ["specificationVersion", "name", "steps"], optional: ROOT_FIELDS });
  if (!root) issues.throwIfAny();
  const r = root!;
  checkVersion(r["specificationVersion"], JOB_TEMPLATE_VERSION, issues);
  const extensions = new Set<Extension>();
  check.list(r["extensions"], "extensions", issues, { min: 1 })?.forEach((e, i) => {
    const ext = check.oneOf(e, at("extensions", i), issues, EXTENSIONS);
    if (ext) extensions.add(ext);
  });
  const parameterDefinitions = r["parameterDefinitions"] === undefined ? undefined : validateJobParameters(r["parameterDefinitions"], "parameterDefinitions", issues);
  const scope: RefScope = { jobParams: paramTypes(parameterDefinitions), pathMapped: false };
  // The 128-character limit applies after resolution, so a name with references is checked at submission.
  const rawName = r["name"];
  const name = check.string(rawName, "name", issues, { min: 1, noControl: true, ...(!(typeof rawName === "string" && rawName.includes("{{")) && { max: 128 }) });
  if (name !== undefined) checkFormatString(name, "name", issues, scope);
  if (r["description"] !== undefined) check.description(r["description"], "description", issues);
  const jobEnvNames = r["jobEnvironments"] === undefined ? [] : validateEnvironments(r["jobEnvironments"], "jobEnvironments", issues, scope);
  const stepItems = check.list(r["steps"], "steps", issues, { min: 1 }) ?? [];
  check.uniqueNames(stepItems, "steps", issues, "step");
  const steps: StepTemplate[] = [];
  stepItems.forEach((item, i) => {
    const step = validateStep(item, at("steps", i), issues, { scope, extensions });
    if (step) steps.push(step);
    step?.stepEnvironments?.forEach((env, j) => {
      if (typeof env["name"] === "string" && jobEnvNames.includes(env["name"])) {
        issues.add(at(at(at(at("steps", i), "stepEnvironments"), j), "name"), `"${env["name"]}" is already the name of a job environment`);
      }
    });
  });
  if (steps.length === stepItems.length) checkStepDependencies(steps, "steps", issues);
  issues.throwIfAny();
  const template: JobTemplate = { specificationVersion: JOB_TEMPLATE_VERSION, name: name!, steps };
  if (r["description"] !== undefined) template.description = r["description"] as string;
  if (extensions.size > 0) template.extensions = [...extensions];
  if (parameterDefinitions) template.parameterDefinitions = parameterDefinitions;
  if (r["jobEnvironments"] !== undefined) template.jobEnvironments = r["jobEnvironments"] as Record<string, unknown>[];
  return template;
}

export function validateEnvironmentTemplate(doc: unknown): EnvironmentTemplate {
  const issues = new Issues();
  const root = check.object(doc, "", issues, { required: ["specificationVersion", "environment"], optional: ["parameterDefinitions", "$schema"] });
  if (!root) issues.throwIfAny();
  const r = root!;
  checkVersion(r["specificationVersion"], ENVIRONMENT_TEMPLATE_VERSION, issues);
  const parameterDefinitions = r["parameterDefinitions"] === undefined ? undefined : validateJobParameters(r["parameterDefinitions"], "parameterDefinitions", issues);
  validateEnvironment(r["environment"], "environment", issues, { jobParams: paramTypes(parameterDefinitions), pathMapped: true, session: true });
  issues.throwIfAny();
  return {
    specificationVersion: ENVIRONMENT_TEMPLATE_VERSION,
    environment: r["environment"] as Record<string, unknown>,
    ...(parameterDefinitions && { parameterDefinitions }),
  };
}

function checkVersion(value: Json | undefined, expected: string, issues: Issues): void {
  if (value !== undefined && value !== expected) {
    issues.add("specificationVersion", `${check.describe(value)} is not supported; expected "${expected}"`);
  }
}

function paramTypes(defs: { name: string; type: JobParameterType }[] | undefined): Map<string, JobParameterType> {
  return new Map((defs ?? []).map((d) => [d.name, d.type]));
}
