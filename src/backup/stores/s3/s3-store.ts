import type { Readable } from "node:stream";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { asBackupError, BackupError } from "../../errors.js";
import { type BackupStore, checkKey, checkPrefix, type StoredObject } from "../../store.js";

/** Where an S3 (or S3-compatible) store keeps its objects. */
export interface S3StoreOptions {
  readonly bucket: string;
  /** Prepended to every key (`backups/` → `backups/project/service/…`). Default none. */
  readonly prefix?: string;
  /** URL of an S3-compatible server (MinIO, R2, …). Default: AWS for `region`. */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key`. Default false. */
  readonly forcePathStyle?: boolean;
  /** Static credentials. Default: the SDK's chain (environment, shared files, instance role). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Bytes per multipart part; memory use is about `partSize × queueSize`. Default 8 MiB. */
  readonly partSize?: number;
  /** Parts uploaded at once. Default 4. */
  readonly queueSize?: number;
}

/** Backups in an S3 bucket; uploads stream as multipart uploads, aborted (not left behind) on failure. */
export class S3Store implements BackupStore {
  readonly description: string;
  private readonly config: S3ClientConfig;
  /** The SDK (tens of MB) loads on first use: an agent whose projects never touch S3 never pays for it. */
  private connection: Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> | undefined;
  private readonly prefix: string;

  constructor(private readonly options: S3StoreOptions) {
    if (options.bucket === "") throw new BackupError("E_BACKUP_CONFIG", "an S3 store needs a bucket");
    this.prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, "")}/` : "";
    this.description = `s3://${options.bucket}/${this.prefix}`;
    this.config = {
      region: options.region ?? "us-east-1",
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Third-party servers often reject the SDK's default trailing checksums; our own sha256 covers integrity.
      ...(options.endpoint
        ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
        : {}),
    };
    // slipway supports Node 20 (package.json engines); the SDK's notice about its own future Node
    // support would otherwise print on every command that touches S3.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  }

  private s3() {
    this.connection ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      client: new sdk.S3Client(this.config),
    }));
    return this.connection;
  }

  async put(key: string, body: Readable): Promise<void> {
    const [{ client }, { Upload }] = await Promise.all([this.s3(), import("@aws-sdk/lib-storage")]);
    const upload = new Upload({
      client,
      params: { Bucket: this.options.bucket, Key: this.fullKey(key), Body: body },
      partSize: this.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 4,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      throw asBackupError(error, "E_BACKUP_UPLOAD", `uploading ${key} to ${this.description} failed`);
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const { sdk, client } = await this.s3();
      const result = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key) }),
      );
      if (!result.Body)
        throw new BackupError("E_BACKUP_STORE", `${this.description} returned no body for ${key}`);
      return result.Body as Readable;
    } catch (error) {
      if (isNotFound(error))
        throw new BackupError("E_BACKUP_NOT_FOUND", `${this.description} has no object ${key}`);
      throw asBackupError(error, "E_BACKUP_STORE", `reading ${key} from ${this.description} failed`);
    }
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const { sdk, client } = await this.s3();
      const result = await client.send(
        new sdk.HeadObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key) }),
      );
      return { key, size: result.ContentLength ?? 0, modifiedAt: result.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw asBackupError(error, "E_BACKUP_STORE", `reading ${key} from ${this.description} failed`);
    }
  }

  async list(prefix: string): Promise<readonly StoredObject[]> {
    checkPrefix(prefix);
    const found: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const { sdk, client } = await this.s3();
        const page = await client.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: token,
          }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          found.push({
            key: item.Key.slice(this.prefix.length),
            size: item.Size ?? 0,
            modifiedAt: item.LastModified ?? new Date(0),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw asBackupError(error, "E_BACKUP_STORE", `listing ${this.description}${prefix} failed`);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    try {
      const { sdk, client } = await this.s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.fullKey(key) }));
    } catch (error) {
      throw asBackupError(error, "E_BACKUP_STORE", `deleting ${key} from ${this.description} failed`);
    }
  }

  /** Closes the SDK's sockets (if it was ever loaded). */
  close(): void {
    void this.connection?.then(({ client }) => client.destroy());
  }

  private fullKey(key: string): string {
    return this.prefix + checkKey(key);
  }
}

function isNotFound(error: unknown): boolean {
  const named = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (named.name === "NoSuchBucket") return false;
  return named.name === "NoSuchKey" || named.name === "NotFound" || named.$metadata?.httpStatusCode === 404;
}
