import path from 'node:path';
import type { DatasetFiles } from './dataset-files.js';
import { formatHfDatasetSpec } from './hf-dataset-spec.js';
import type { ResolvedHfDataset } from './hf-dataset.js';
import { fileSha256 } from './open-dataset.js';

/**
 * run.json's `dataset.hub`: where a Hub split came from, down to the commit and each file's bytes, so that a resume
 * re-opens the same data and a reader can fetch it again.
 */
export interface HfDatasetProvenance {
  /** As the user wrote it: `hf:org/pairs:test`, or an alias such as a benchmark's name. */
  spec: string;
  repo: string;
  /** As asked ("main" when none was). */
  revision: string;
  /** The commit the revision stood at; every file was downloaded from it. */
  commit: string;
  split: string;
  /** In reading order: the repository path and sha256 of each. */
  files: { path: string; sha256: string }[];
}

/** A downloaded split as a dataset of several files, with its provenance; every file is hashed once, here. */
export async function hfDatasetFiles(resolved: ResolvedHfDataset, spec: string): Promise<{ files: DatasetFiles; provenance: HfDatasetProvenance }> {
  const files = [];
  for (const file of resolved.files) {
    files.push({ path: file.path, displayName: file.displayName, name: file.repoPath, sha256: await fileSha256(file.path, file.displayName) });
  }
  const { repo, revision, commit, split } = resolved;
  return {
    files: { displayName: spec, name: hfDatasetName(repo, split), path: commonFolder(files.map((f) => f.path)), files },
    provenance: { spec, repo, revision, commit, split, files: files.map((f) => ({ path: f.name, sha256: f.sha256 })) },
  };
}

/** The spec that names the same data again: the split at the recorded commit. */
export function pinnedHfDatasetSpec(provenance: Pick<HfDatasetProvenance, 'repo' | 'commit' | 'split'>): string {
  return formatHfDatasetSpec({ repo: provenance.repo, revision: provenance.commit, split: provenance.split });
}

/** `NAME-SPLIT`, for run-folder names (repository names and split names hold only file-system-safe characters). */
function hfDatasetName(repo: string, split: string): string {
  return `${repo.split('/').at(-1)}-${split}`;
}

function commonFolder(files: readonly string[]): string {
  let folder = path.dirname(files[0]!);
  while (!files.every((f) => f.startsWith(folder + path.sep)) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  return folder;
}
