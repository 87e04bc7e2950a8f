import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { endormCacheRoot } from './cache-root.js';
import { fileIdentity, isFileIdentity, sameIdentity, type FileIdentity } from './file-identity.js';

/** A file's content, as a run's provenance names it. */
export interface FileHash {
  sha256: string;
  bytes: number;
}

export interface FileHashOptions {
  /** Cache root (default: ENDORM_CACHE, else ~/.cache/endorm); hashes are kept under `<cacheRoot>/file-hashes/`. */
  cacheRoot?: string;
  /** Called for every file actually read and hashed (not for a cached hash): tests count these. */
  onHash?: (file: string) => void;
}

/** What a cached hash is valid for: the file at this absolute path with this identity (see file-identity.ts). */
interface CachedHash {
  path: string;
  identity: FileIdentity;
  sha256: string;
}

/**
 * sha256 of a file, read once and then kept in the cache keyed by its absolute path and valid for its identity (inode,
 * size, mtime, ctime and a sample of its content): a model's weights run to gigabytes, and every run records their
 * hashes. A file replaced or written again, even with its size and mtime kept (`cp -p`), is hashed again. The identity
 * is taken before the bytes are read, so a write during the hash leaves a stale identity, never a stale hash. The cache
 * is best effort: where it cannot be written, the file is hashed on every run.
 */
export async function cachedFileSha256(file: string, options: FileHashOptions = {}): Promise<FileHash> {
  // The real path: the graph cache asks for the model's file by it, a run by the path the user gave.
  const absolute = await fs.realpath(path.resolve(file));
  const identity = await fileIdentity(absolute);
  const bytes = Number(identity.size);
  const entry = path.join(options.cacheRoot ?? endormCacheRoot(), 'file-hashes', `${createHash('sha256').update(absolute).digest('hex').slice(0, 32)}.json`);
  const cached = await readCachedHash(entry);
  if (cached && cached.path === absolute && sameIdentity(cached.identity, identity)) return { sha256: cached.sha256, bytes };

  options.onHash?.(absolute);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolute, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  const record: CachedHash = { path: absolute, identity, sha256 };
  await fs
    .mkdir(path.dirname(entry), { recursive: true })
    .then(() => writeFileAtomic(entry, JSON.stringify(record)))
    .catch(() => undefined);
  return { sha256, bytes };
}

/** Hashes of `files`, keyed by their path relative to `folder` ("/"-separated), in the order given. */
export async function folderFileHashes(folder: string, files: readonly string[], options: FileHashOptions = {}): Promise<Record<string, FileHash>> {
  const hashes: Record<string, FileHash> = {};
  for (const file of files) hashes[path.relative(folder, file).split(path.sep).join('/')] = await cachedFileSha256(file, options);
  return hashes;
}

async function readCachedHash(file: string): Promise<CachedHash | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<CachedHash>;
    // A record of an older endorm (keyed by size and mtime only) is not one: the file is hashed again once.
    const ok = typeof value.path === 'string' && isFileIdentity(value.identity) && typeof value.sha256 === 'string';
    return ok ? (value as CachedHash) : undefined;
  } catch {
    return undefined;
  }
}
