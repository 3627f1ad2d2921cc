/**
 * The validated shape of a `jobtemplate-2023-09` template (spec: 2023-09-Template-Schemas).
 * Only what scheduling needs is typed precisely; scripts and environments are validated
 * but kept as plain data for the agent that runs them.
 */

export type JobParameterType = "INT" | "FLOAT" | "STRING" | "PATH";
export type TaskParameterType = "INT" | "FLOAT" | "STRING" | "PATH" | "CHUNK[INT]";
export const EXTENSIONS = ["TASK_CHUNKING"] as const;
export type Extension = (typeof EXTENSIONS)[number];

export interface JobParameterDefinition {
  name: string;
  type: JobParameterType;
  description?: string;
  /** As written: numbers may be given as numeric strings. */
  default?: string | number;
  allowedValues?: (string | number)[];
  minValue?: string | number;
  maxValue?: string | number;
  minLength?: number;
  maxLength?: number;
  objectType?: "FILE" | "DIRECTORY";
  dataFlow?: "NONE" | "IN" | "OUT" | "INOUT";
  userInterface?: Record<string, unknown>;
}

export interface TaskChunks {
  /** An integer, or a format string resolving to one (e.g. `{{Param.ChunkSize}}`). */
  defaultTaskCount: number | string;
  targetRuntimeSeconds?: number | string;
  rangeConstraint: "CONTIGUOUS" | "NONCONTIGUOUS";
}

export interface TaskParameterDefinition {
  name: string;
  type: TaskParameterType;
  /** A range expression (INT, CHUNK[INT]; may hold `{{Param.X}}`) or a list of values. */
  range: string | (string | number)[];
  chunks?: TaskChunks;
}

export interface StepParameterSpaceDefinition {
  taskParameterDefinitions: TaskParameterDefinition[];
  combination?: string;
}

export interface AmountRequirement {
  name: string;
  min?: number;
  max?: number;
}

export interface AttributeRequirement {
  name: string;
  anyOf?: string[];
  allOf?: string[];
}

export interface HostRequirements {
  amounts?: AmountRequirement[];
  attributes?: AttributeRequirement[];
}

export interface StepTemplate {
  name: string;
  description?: string;
  dependencies?: { dependsOn: string }[];
  hostRequirements?: HostRequirements;
  parameterSpace?: StepParameterSpaceDefinition;
  stepEnvironments?: Record<string, unknown>[];
  script: Record<string, unknown>;
}

export interface JobTemplate {
  specificationVersion: "jobtemplate-2023-09";
  name: string;
  description?: string;
  extensions?: Extension[];
  parameterDefinitions?: JobParameterDefinition[];
  jobEnvironments?: Record<string, unknown>[];
  steps: StepTemplate[];
}

export interface EnvironmentTemplate {
  specificationVersion: "environment-2023-09";
  parameterDefinitions?: JobParameterDefinition[];
  environment: Record<string, unknown>;
}
