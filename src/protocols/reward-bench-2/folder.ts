import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetFiles } from '../../datasets/dataset-files.js';
import { peekFirstRecord } from '../../datasets/open-dataset.js';
import { isRewardBench2Record } from './records.js';

const DATA_FILE = /\.(parquet|jsonl|json)$/i;

/**
 * A local copy of the dataset repository (or any folder) as one dataset: its Parquet, JSONL and JSON files, found
 * below it (hidden folders skipped) and read in path order, as the Hub's `data/test-*` shards are.
 */
async function dataFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && DATA_FILE.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !path.relative(folder, file).split(path.sep).some((part) => part.startsWith('.')))
    .sort();
}

/** Whether a folder's first data file holds RewardBench 2 records. */
export async function isRewardBench2Folder(folder: string): Promise<boolean> {
  const files = await dataFiles(folder);
  if (files.length === 0) return false;
  try {
    return isRewardBench2Record(await peekFirstRecord(files[0]!));
  } catch {
    return false;
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The folder's data files, hashed, in reading order. */
export async function folderFiles(folder: string): Promise<DatasetFiles> {
  const root = path.resolve(folder);
  const files = await dataFiles(root);
  return {
    displayName: folder,
    name: path.basename(root),
    path: root,
    files: await Promise.all(
      files.map(async (file) => ({ path: file, displayName: file, name: path.relative(root, file).split(path.sep).join('/'), sha256: await sha256(file) })),
    ),
  };
}
