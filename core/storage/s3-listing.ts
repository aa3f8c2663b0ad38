import {
  HeadObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client,
} from '@aws-sdk/client-s3';

import type { DirEntry, EntryStat, StorageKey } from './backend.js';
import { fromS3Error, isMissing } from './s3-errors.js';
import { fileStat, folderStat, type S3Location, type S3Settings } from './s3-location.js';

/** HeadObject requests in flight at once when a listing reports times set by clients. */
const HEAD_CONCURRENCY = 16;

export interface ListingContext {
  client: S3Client;
  location: S3Location;
  settings: S3Settings;
}

/** Pages of one ListObjectsV2 walk, fetched only as the caller asks for more. */
export async function* listPages(
  context: ListingContext,
  prefix: string,
  delimiter?: string,
): AsyncGenerator<ListObjectsV2CommandOutput> {
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await context.client.send(new ListObjectsV2Command({
        Bucket: context.location.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token,
      }));
    } catch (error) {
      throw fromS3Error(error);
    }
    yield page;
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/**
 * The entries of one folder: sub-folders from common prefixes, files from objects, and the
 * folder's own `NAME/` marker left out. Yields nothing at all when the folder does not exist.
 */
export async function* folderEntries(context: ListingContext, folderPrefix: string): AsyncGenerator<DirEntry> {
  for await (const page of listPages(context, folderPrefix, '/')) {
    for (const common of page.CommonPrefixes ?? []) {
      const name = common.Prefix?.slice(folderPrefix.length, -1) ?? '';
      if (name !== '') yield { name, stat: folderStat() };
    }
    const files = (page.Contents ?? []).filter((object) => object.Key !== folderPrefix && object.Key !== undefined);
    const stats = await Promise.all(files.map(withLimit(HEAD_CONCURRENCY, (object) => {
      const stat = fileStat(object.Size ?? 0, object.LastModified);
      return context.settings.listTimes === 'metadata' ? statWithTimes(context, object.Key!, stat) : stat;
    })));
    for (const [index, object] of files.entries()) {
      const stat = stats[index];
      if (stat !== undefined) yield { name: object.Key!.slice(folderPrefix.length), stat };
    }
  }
}

/** Whether a folder prefix holds anything, its own marker included. */
export async function hasAnyObject(context: ListingContext, folderPrefix: string): Promise<boolean> {
  const page = await context.client
    .send(new ListObjectsV2Command({ Bucket: context.location.bucket, Prefix: folderPrefix, MaxKeys: 1 }))
    .catch((error: unknown) => { throw fromS3Error(error); });
  return (page.KeyCount ?? 0) > 0;
}

/** Whether a folder holds anything besides its own marker. */
export async function hasEntries(context: ListingContext, folderPrefix: string): Promise<boolean> {
  const page = await context.client
    .send(new ListObjectsV2Command({ Bucket: context.location.bucket, Prefix: folderPrefix, MaxKeys: 2 }))
    .catch((error: unknown) => { throw fromS3Error(error); });
  return (page.Contents ?? []).some((object) => object.Key !== folderPrefix);
}

/**
 * Every file under a prefix, recursively, with times from the listing itself (LastModified):
 * walking is how the processor scans for markers, so it must not cost a request per file.
 */
export async function* walkFiles(
  context: ListingContext,
  prefix: string,
): AsyncGenerator<{ key: StorageKey; stat: EntryStat }> {
  for await (const page of listPages(context, prefix)) {
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined || object.Key.endsWith('/')) continue;
      yield { key: context.location.storageKey(object.Key), stat: fileStat(object.Size ?? 0, object.LastModified) };
    }
  }
}

/** The stat with the times a client set, or undefined when the object went away meanwhile. */
async function statWithTimes(context: ListingContext, objectKey: string, listed: EntryStat): Promise<EntryStat | undefined> {
  try {
    const head = await context.client.send(new HeadObjectCommand({ Bucket: context.location.bucket, Key: objectKey }));
    return fileStat(head.ContentLength ?? listed.size, head.LastModified, head.Metadata);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw fromS3Error(error);
  }
}

/** Wraps a mapper so that at most `limit` of its calls run at once. */
export function withLimit<T, R>(limit: number, mapper: (item: T) => R | Promise<R>): (item: T) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (item: T) => {
    // A finishing call hands its slot straight to the next waiter, so the limit always holds.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await mapper(item);
    } finally {
      const next = waiting.shift();
      if (next !== undefined) next();
      else running--;
    }
  };
}
