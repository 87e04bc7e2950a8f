import { createHash } from 'node:crypto';

/** One file of a dataset made of several, with the hash of its bytes. */
export interface DatasetFile {
  /** Absolute local path. */
  path: string;
  /** For messages: `hf:OWNER/NAME/data/train-00000-of-00002.parquet`. */
  displayName: string;
  /** Its name in the combined hash and in run.json: a Hub repository path (`data/train-00000-of-00002.parquet`). */
  name: string;
  /** Hex sha256 of its bytes. */
  sha256: string;
}

/** A dataset made of several files read in order as one, such as a Hub split's shards. */
export interface DatasetFiles {
  /** As the user wrote it (`hf:org/pairs:test`), for messages about the dataset as a whole. */
  displayName: string;
  /** Short and file-system safe, for run-folder names. */
  name: string;
  /** The folder that holds them. */
  path: string;
  /** In reading order; at least one. */
  files: readonly DatasetFile[];
}

/**
 * The hash of several files: sha256 over, for each file in byte order of its name, `name NUL sha256(content) LF`. It
 * changes when a file is added, removed, renamed or edited, and one file's own hash can still be checked against it.
 */
export function combinedSha256(entries: readonly { name: string; sha256: string }[]): string {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const hash = createHash('sha256');
  for (const e of sorted) hash.update(`${e.name}\u0000${e.sha256}\n`);
  return hash.digest('hex');
}
