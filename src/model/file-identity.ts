import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

/**
 * What a cache entry derived from a file (its sha256, its rewritten scoring graph) is valid for. Path, size and mtime
 * are not enough: `cp -p`, `rsync -a`, `tar` and images built with fixed timestamps replace a model by one of the same
 * size with the old mtime. So the identity adds:
 * - the inode and ctime: a rename-over gives a new inode; a write into the file (`cp -p` over it keeps the inode)
 *   moves ctime, which no user-level call sets back;
 * - a sample of the content (SAMPLE_BLOCKS blocks spread over the file, hashed): catches a replacement that kept even
 *   those (a restored backup of the whole file system, a file system whose ctime cannot be trusted) in most cases.
 * A cache whose recorded identity differs in any part re-derives (re-hashes) from the bytes before it trusts anything.
 */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  /** sha256 of the sampled blocks (see sampleDigest). */
  sample: string;
}

/** 16 blocks of 64 KiB: 1 MiB read per file per check, milliseconds even for a 28 GB model. */
const SAMPLE_BLOCKS = 16;
const SAMPLE_BLOCK_BYTES = 1 << 16;

export async function fileIdentity(file: string): Promise<FileIdentity> {
  const handle = await fs.open(file, 'r');
  try {
    const s = await handle.stat({ bigint: true });
    return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs), sample: await sampleDigest(handle, Number(s.size)) };
  } finally {
    await handle.close();
  }
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.sample === b.sample;
}

export function isFileIdentity(value: unknown): value is FileIdentity {
  const v = value as Partial<Record<keyof FileIdentity, unknown>> | null;
  return (
    typeof v === 'object' && v !== null && (['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs', 'sample'] as const).every((k) => typeof v[k] === 'string')
  );
}

/** The first and last blocks and SAMPLE_BLOCKS − 2 evenly spaced between them (the whole file when it is small). */
async function sampleDigest(handle: fs.FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(SAMPLE_BLOCK_BYTES);
  const span = Math.max(0, size - SAMPLE_BLOCK_BYTES);
  const offsets = size <= SAMPLE_BLOCKS * SAMPLE_BLOCK_BYTES
    ? Array.from({ length: Math.ceil(size / SAMPLE_BLOCK_BYTES) }, (_, i) => i * SAMPLE_BLOCK_BYTES)
    : Array.from({ length: SAMPLE_BLOCKS }, (_, i) => Math.round((span * i) / (SAMPLE_BLOCKS - 1)));
  for (const offset of offsets) {
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BLOCK_BYTES, offset);
    hash.update(buffer.subarray(0, bytesRead));
  }
  return hash.digest('hex');
}
