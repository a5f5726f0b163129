import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '@chat/config';

/** One S3 client for the configured endpoint (s3proxy locally, any S3 API in production). */
export function createS3Client(config: Config, endpoint = config.s3.value): S3Client {
  return new S3Client({
    region: config.s3.region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: config.s3.forcePathStyle,
    credentials: {
      accessKeyId: config.s3.accessKeyId,
      secretAccessKey: config.s3.secretAccessKey,
    },
    // A checksum header in a pre-signed PUT would have to be sent by the uploader as well.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface StoredObject {
  size: number;
  contentType: string;
}

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.$metadata.httpStatusCode === 404 ||
    error.name === 'NotFound' ||
    error.name === 'NoSuchKey');

/** The media bucket: pre-signed PUT and GET URLs, HEAD, GET, PUT and DELETE of one key. */
export class ObjectStore {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    /** Signs URLs for the address clients use, which may differ from the servers' own. */
    private readonly signer: S3Client = client,
  ) {}

  static fromConfig(config: Config): ObjectStore {
    const client = createS3Client(config);
    const signer =
      config.s3.publicEndpoint === config.s3.value
        ? client
        : createS3Client(config, config.s3.publicEndpoint);
    return new ObjectStore(client, config.s3.bucket, signer);
  }

  /**
   * A PUT that S3 accepts only with exactly this Content-Length and Content-Type (both are
   * signed headers), until it expires.
   */
  async presignPut(
    key: string,
    object: StoredObject & { sha256?: string },
    expiresInS: number,
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const headers: Record<string, string> = {
      'content-type': object.contentType,
      'content-length': String(object.size),
    };
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: object.contentType,
      ContentLength: object.size,
    });
    const url = await getSignedUrl(this.signer, command, {
      expiresIn: expiresInS,
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers };
  }

  async presignGet(key: string, expiresInS: number): Promise<string> {
    return getSignedUrl(this.signer, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInS,
    });
  }

  /** The stored object's size and type, or undefined when there is none. */
  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: Number(head.ContentLength ?? 0), contentType: head.ContentType ?? '' };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** A server-side copy of one object to another key in the bucket. */
  async copy(source: string, destination: string): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: destination,
        // S3 reads the copy source URL-encoded: a key's own escapes (an owner id `a@b` is
        // stored as `a%40b`) would otherwise be decoded into another key.
        CopySource: `${this.bucket}/${source.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
  }

  /** The stored object's bytes, or undefined when there is none. */
  async get(key: string): Promise<Buffer | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      if (!object.Body) return Buffer.alloc(0);
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Writes bytes of one type under a key (replacing any object there). */
  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.length,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Creates the bucket unless it exists; true when it was created. */
  async ensureBucket(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return false;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    return true;
  }

  /** Deletes every object under `prefix` last written before `before`; returns their keys. */
  async deleteOlderThan(prefix: string, before: Date): Promise<string[]> {
    const deleted: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified < before) {
          await this.delete(object.Key);
          deleted.push(object.Key);
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  close(): void {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }
}
