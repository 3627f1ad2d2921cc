/**
 * The output store in S3: keys under an optional prefix of one bucket. Agents write with the
 * cloud agent role (s3:PutObject on `jobs/*`); the API reads task logs (s3:GetObject).
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { RetryableError } from "../../service/errors.ts";
import type { OutputStore } from "../../service/ports.ts";

export class S3OutputStore implements OutputStore {
  constructor(private readonly s3: S3Client, private readonly bucket: string, private readonly prefix = "") {}

  async put(key: string, body: Uint8Array | string): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, ...(key.endsWith(".png") ? { ContentType: "image/png" } : key.endsWith(".log") ? { ContentType: "text/plain; charset=utf-8" } : {}) }));
    } catch (err) {
      throw new RetryableError(`output store: cannot write ${key}`, { cause: err });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return r.Body ? await r.Body.transformToByteArray() : undefined;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
      throw new RetryableError(`output store: cannot read ${key}`, { cause: err });
    }
  }
}
