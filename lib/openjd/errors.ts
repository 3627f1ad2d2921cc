/**
 * Errors for bad OpenJD input. Every problem names the failing field by its path in the
 * template (`steps[1].parameterSpace.taskParameterDefinitions[0].range`) so a submitter can
 * fix it without reading our code; validation collects all problems it can find at once.
 */

export interface Issue {
  /** Path of the failing field, e.g. `steps[0].hostRequirements.amounts[1].min`; "" = the document. */
  path: string;
  message: string;
}

export class OpenJdError extends Error {
  override name = "OpenJdError";
  readonly issues: Issue[];

  constructor(issues: Issue[], options?: { cause?: unknown }) {
    super(issues.map(formatIssue).join("\n"), options);
    this.issues = issues;
  }
}

export function formatIssue(issue: Issue): string {
  return issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Path of a child field: `at("steps", 1)` → `steps[1]`, `at("steps[1]", "name")` → `steps[1].name`. */
export function at(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** Collects problems during one validation pass; `throwIfAny` ends the pass. */
export class Issues {
  readonly list: Issue[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new OpenJdError(this.list);
  }
}
