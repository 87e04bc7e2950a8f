import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { endormCacheRoot } from './cache-root.js';

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

/** What a cached hash is valid for: the file at this absolute path with this size and modification time. */
interface CachedHash {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * sha256 of a file, read once and then kept in the cache keyed by (absolute path, size, mtime): a model's weights run
 * to gigabytes, and every run records their hashes. A file written again gets a new mtime (and usually size) and is
 * hashed again. The cache is best effort: where it cannot be written, the file is hashed on every run.
 */
export async function cachedFileSha256(file: string, options: FileHashOptions = {}): Promise<FileHash> {
  const absolute = path.resolve(file);
  const stat = await fs.stat(absolute);
  const entry = path.join(options.cacheRoot ?? endormCacheRoot(), 'file-hashes', `${createHash('sha256').update(absolute).digest('hex').slice(0, 32)}.json`);
  const cached = await readCachedHash(entry);
  if (cached && cached.path === absolute && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return { sha256: cached.sha256, bytes: stat.size };

  options.onHash?.(absolute);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolute, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  const record: CachedHash = { path: absolute, size: stat.size, mtimeMs: stat.mtimeMs, sha256 };
  await fs
    .mkdir(path.dirname(entry), { recursive: true })
    .then(() => writeFileAtomic(entry, JSON.stringify(record)))
    .catch(() => undefined);
  return { sha256, bytes: stat.size };
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
    const ok = typeof value.path === 'string' && typeof value.size === 'number' && typeof value.mtimeMs === 'number' && typeof value.sha256 === 'string';
    return ok ? (value as CachedHash) : undefined;
  } catch {
    return undefined;
  }
}
