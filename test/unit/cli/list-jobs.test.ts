/** `burstfarm jobs` lists open and finished jobs in separate queries: a job changing list between them is still listed, once. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { listAllJobs } from "../../../lib/cli/list-jobs.ts";

type Job = { id: string; submittedAt: string; status: string };
const job = (id: string, status: string, minute: number): Job => ({ id, status, submittedAt: `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z` });
const isOpen = (s: string) => !["done", "failed", "canceled"].includes(s);

/**
 * A fake API that reads its table `readAfterMs[status ?? "open"]` after a query arrives (queries
 * are served at different speeds) while job `moving.id` changes status at `moving.atMs`.
 */
function farm(jobs: Job[], moving: { id: string; to: string; atMs: number }, readAfterMs: Record<string, number>) {
  const queries: (string | undefined)[] = [];
  setTimeout(() => { for (const j of jobs) if (j.id === moving.id) j.status = moving.to; }, moving.atMs);
  return {
    queries,
    all: async <T>(_path: string, query: { status?: string } = {}) => {
      queries.push(query.status);
      await new Promise((r) => setTimeout(r, readAfterMs[query.status ?? "open"] ?? 0));
      return jobs.filter((j) => (query.status === undefined ? isOpen(j.status) : j.status === query.status)).map((j) => ({ ...j })) as T[];
    },
  };
}

describe("listAllJobs", () => {
  afterEach(() => { vi.useRealTimers(); });

  /** The listing, as [id, status] newest first, of a farm where job "a" moves to `to` at 5 ms. */
  async function listedWhile(jobs: Job[], to: string, readAfterMs: Record<string, number>): Promise<string[][]> {
    vi.useFakeTimers();
    const listing = listAllJobs<Job>(farm(jobs, { id: "a", to, atMs: 5 }, readAfterMs));
    await vi.runAllTimersAsync();
    return (await listing).map((j) => [j.id, j.status]);
  }

  it("lists a job that finishes while the lists are read: the finished list read before it finished, the open list after", async () => {
    expect(await listedWhile([job("a", "running", 1), job("b", "done", 2)], "done", { open: 10, done: 0 })).toEqual([["b", "done"], ["a", "done"]]);
  });

  it("lists a job that requeue-failed reopens while the lists are read (its open state), once", async () => {
    expect(await listedWhile([job("a", "failed", 1), job("b", "queued", 2)], "queued", { open: 0, failed: 10 })).toEqual([["b", "queued"], ["a", "queued"]]);
  });

  it("asks one list when a status is given", async () => {
    const api = farm([job("a", "done", 1), job("b", "running", 2)], { id: "x", to: "done", atMs: 0 }, {});
    expect((await listAllJobs<Job>(api, { status: "done" })).map((j) => j.id)).toEqual(["a"]);
    expect(api.queries).toEqual(["done"]);
  });
});
