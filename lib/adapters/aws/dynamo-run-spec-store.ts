/**
 * Run specs (lib/service/run-spec.ts) as one item per job beside the job record: pk `JOB#<id>`,
 * sk `RUNSPEC`, the spec gzip'd in `specZ` (an OpenJD template compresses ~5×). Written once at
 * submit, before the job item, so a job never exists without what its agents need to run it.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { JobRunSpec } from "../../service/run-spec.ts";
import { ValidationError } from "../../service/errors.ts";
import type { RunSpecStore } from "../../service/ports.ts";
import type { DynamoTable } from "./dynamo-table.ts";

/** DynamoDB items hold 400 KB; leave room for keys and attribute names. */
export const maxRunSpecBytes = 350 * 1024;

export class DynamoRunSpecStore implements RunSpecStore {
  constructor(private readonly table: DynamoTable) {}

  async put(spec: JobRunSpec, requestHash: string): Promise<boolean> {
    const specZ = gzipSync(JSON.stringify(spec));
    if (specZ.length > maxRunSpecBytes) {
      throw new ValidationError("template", `is too large to store (${Math.round(specZ.length / 1024)} KB compressed; at most ${maxRunSpecBytes / 1024} KB)`);
    }
    return this.table.put({ pk: `JOB#${spec.jobId}`, sk: "RUNSPEC", specZ, requestHash }, "run spec", {
      condition: "attribute_not_exists(pk) OR requestHash = :h", values: { ":h": requestHash },
    });
  }

  async get(jobId: string): Promise<JobRunSpec | undefined> {
    return this.table.get({ pk: `JOB#${jobId}`, sk: "RUNSPEC" }, "run spec",
      (item) => JSON.parse(gunzipSync(item.specZ as Uint8Array).toString("utf8")) as JobRunSpec);
  }
}
