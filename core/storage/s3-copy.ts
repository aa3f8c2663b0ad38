import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand,
  CreateMultipartUploadCommand, UploadPartCopyCommand, type CompletedPart,
} from '@aws-sdk/client-s3';

import { fromS3Error } from './s3-errors.js';
import type { ListingContext } from './s3-listing.js';
import { withLimit } from './s3-listing.js';

/** UploadPartCopy requests of one copy in flight at once. */
const COPY_CONCURRENCY = 8;

export interface CopyRequest {
  /** Object keys, prefix included. */
  from: string;
  to: string;
  sizeBytes: number;
  /** The source's metadata, or new metadata when `replacesMetadata`. */
  metadata: Record<string, string> | undefined;
  replacesMetadata: boolean;
  contentType: string | undefined;
}

/**
 * Server-side copy. One CopyObject up to `multipartCopyAboveBytes` (S3 allows at most 5 GiB
 * there); above it, UploadPartCopy parts in parallel, which is also faster for large objects.
 */
export async function copyObject(context: ListingContext, request: CopyRequest): Promise<void> {
  try {
    if (request.sizeBytes < context.settings.multipartCopyAboveBytes) await copyWhole(context, request);
    else await copyInParts(context, request);
  } catch (error) {
    throw fromS3Error(error);
  }
}

async function copyWhole(context: ListingContext, request: CopyRequest): Promise<void> {
  const { location } = context;
  await context.client.send(new CopyObjectCommand({
    Bucket: location.bucket,
    Key: request.to,
    CopySource: location.copySource(request.from),
    ...(request.replacesMetadata
      ? { MetadataDirective: 'REPLACE', Metadata: request.metadata, ContentType: request.contentType }
      : { MetadataDirective: 'COPY' }),
  }));
}

async function copyInParts(context: ListingContext, request: CopyRequest): Promise<void> {
  const { client, location } = context;
  const target = { Bucket: location.bucket, Key: request.to };
  const created = await client.send(new CreateMultipartUploadCommand({
    ...target, Metadata: request.metadata, ContentType: request.contentType,
  }));
  const uploadId = created.UploadId;
  try {
    const ranges = partRanges(request.sizeBytes, context.settings.copyPartSizeBytes);
    const copyPart = withLimit(COPY_CONCURRENCY, async ([start, end]: [number, number]): Promise<CompletedPart> => {
      const partNumber = ranges.findIndex((range) => range[0] === start) + 1;
      const copied = await client.send(new UploadPartCopyCommand({
        ...target, UploadId: uploadId, PartNumber: partNumber,
        CopySource: location.copySource(request.from), CopySourceRange: `bytes=${start}-${end - 1}`,
      }));
      return { PartNumber: partNumber, ETag: copied.CopyPartResult?.ETag };
    });
    const parts = await Promise.all(ranges.map(copyPart));
    await client.send(new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}

/** Equal ranges of at most `partBytes`, each at least half of it, so none is below 5 MiB. */
function partRanges(sizeBytes: number, partBytes: number): Array<[number, number]> {
  const count = Math.max(1, Math.ceil(sizeBytes / Math.max(partBytes, 10 * 1024 * 1024)));
  return Array.from({ length: count }, (_, index): [number, number] => [
    Math.floor((sizeBytes * index) / count),
    Math.floor((sizeBytes * (index + 1)) / count),
  ]);
}
