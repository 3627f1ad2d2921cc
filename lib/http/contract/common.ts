/** Schema pieces every route shares: ids, instants, pagination, the time/day range queries. */
import { z } from "zod";

export const id = z.string().min(1, "must not be empty").max(128, "at most 128 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "only letters, digits and . _ : -");

export const idParams = z.strictObject({ id });

/** Query-string instant: ISO 8601 or epoch-ms digits. */
const toMs = (s: string): number => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));
/** The largest instant a JavaScript Date can hold (±100,000,000 days from the epoch). */
const maxDateMs = 8.64e15;
export const instantQuery = z.string().max(64).refine((s) => /^\d+$/.test(s) || !Number.isNaN(Date.parse(s)), {
  error: "expected an ISO 8601 date-time or epoch milliseconds",
}).refine((s) => Math.abs(toMs(s)) <= maxDateMs, { error: "outside the range of dates (±8.64e15 ms from 1970)", abort: true })
  .transform(toMs);

const iso = z.iso.datetime({ offset: true });
const msToIso = z.codec(z.number(), iso, { decode: (ms) => new Date(ms).toISOString(), encode: (s) => Date.parse(s) });
/** An instant in replies: always an ISO string (the service hands over epoch ms or ISO). */
export const isoOut = z.union([msToIso, iso]);

export const day = z.iso.date({ error: "expected a day as YYYY-MM-DD" });

export const pageQuery = {
  limit: z.coerce.number({ error: "expected a number" }).int("expected an integer").min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
};

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), cursor: z.string().optional() });


/** A node's capabilities, in OpenJD terms (amount.worker.*, attr.worker.*). */
export const capabilitiesShape = {
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  gpuCount: z.number().int().min(0),
  gpuModel: z.string().min(1).optional(),
  gpuMemoryGiB: z.number().nonnegative().optional(),
  os: z.enum(["linux", "windows", "macos"]),
  cpuArch: z.string().min(1),
  amounts: z.record(z.string(), z.number()).optional(),
  attributes: z.record(z.string(), z.array(z.string())).optional(),
};
