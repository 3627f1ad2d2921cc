import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { S3OutputStore } from "../../../lib/adapters/aws/s3-output-store.ts";
import { FolderOutputStore } from "../../../lib/adapters/folder-output-store.ts";
import { RetryableError } from "../../../lib/service/errors.ts";

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

describe("the S3 output store", () => {
  it("puts a frame under the prefix with its content type", async () => {
    s3.on(PutObjectCommand).resolves({});
    await new S3OutputStore(new S3Client({ region: "us-west-2" }), "farm-outputs", "studio/").put("jobs/j1/render/frame-0001.png", new Uint8Array([1, 2]));
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({ Bucket: "farm-outputs", Key: "studio/jobs/j1/render/frame-0001.png", Body: new Uint8Array([1, 2]), ContentType: "image/png" });
  });

  it("reads a task log back, and a missing key is undefined, not an error", async () => {
    s3.on(GetObjectCommand, { Key: "jobs/j1/logs/render/0.log" }).resolves({ Body: { transformToByteArray: async () => new Uint8Array(Buffer.from("hello")) } as never });
    s3.on(GetObjectCommand, { Key: "jobs/j1/logs/render/1.log" }).rejects(new NoSuchKey({ message: "no", $metadata: {} }));
    const store = new S3OutputStore(new S3Client({ region: "us-west-2" }), "farm-outputs");
    expect(Buffer.from((await store.get("jobs/j1/logs/render/0.log"))!).toString()).toBe("hello");
    expect(await store.get("jobs/j1/logs/render/1.log")).toBeUndefined();
  });

  it("turns an S3 failure into a retryable error", async () => {
    s3.on(PutObjectCommand).rejects(new Error("SlowDown"));
    await expect(new S3OutputStore(new S3Client({ region: "us-west-2" }), "b").put("jobs/x.log", "x")).rejects.toBeInstanceOf(RetryableError);
  });
});

describe("the folder output store", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  it("round-trips a key and refuses keys that escape its folder", async () => {
    dir = mkdtempSync(join(tmpdir(), "bf-store-"));
    const store = new FolderOutputStore(dir);
    await store.put("jobs/j1/logs/render/0.log", "line\n");
    expect(Buffer.from((await store.get("jobs/j1/logs/render/0.log"))!).toString()).toBe("line\n");
    expect(await store.get("jobs/j1/nothing")).toBeUndefined();
    await expect(store.put("../escape.txt", "x")).rejects.toThrow(/outside the store/);
  });
});
