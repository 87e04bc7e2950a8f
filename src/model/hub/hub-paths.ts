import path from 'node:path';
import { HubError } from './hub-errors.js';

export type HubRepoType = 'model' | 'dataset';

/** One file of one revision of one Hub repository. */
export interface HubFileRef {
  /** "owner/name" (or a legacy owner-less "name"). */
  repo: string;
  repoType: HubRepoType;
  /** Path inside the repository, with "/" separators. */
  path: string;
  /** Branch, tag or commit; default "main". */
  revision?: string;
}

export const DEFAULT_REVISION = 'main';

// The Hub's own rule for repo names; "--" and ".." are refused there too, which keeps the cache folder
// name ("models--owner--name") unambiguous.
const REPO_PART = /^[A-Za-z0-9][\w.-]{0,95}$/;

export function validateRepoId(repo: string, repoType: HubRepoType): void {
  const parts = repo.split('/');
  const ok =
    parts.length >= 1 &&
    parts.length <= 2 &&
    parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.includes('..') && !p.endsWith('.'));
  if (!ok) throw new HubError('invalid', `"${repo}" is not a valid Hub ${repoType} id (expected "owner/name")`);
}

export function validateRepoPath(filePath: string): void {
  const parts = filePath.split('/');
  // The path becomes part of a local file name: refuse anything that could climb out of the cache folder.
  const ok =
    filePath.length > 0 && !filePath.includes('\\') && !filePath.includes('\0') && parts.every((p) => p !== '' && p !== '.' && p !== '..');
  if (!ok) throw new HubError('invalid', `"${filePath}" is not a valid file path inside a Hub repository`);
}

/** The Hub's download URL: `<endpoint>[/datasets]/<repo>/resolve/<revision>/<path>`. */
export function hubFileUrl(endpoint: string, ref: HubFileRef): string {
  const prefix = ref.repoType === 'dataset' ? '/datasets' : '';
  const revision = encodeURIComponent(ref.revision ?? DEFAULT_REVISION);
  const filePath = ref.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}${prefix}/${ref.repo}/resolve/${revision}/${filePath}`;
}

/** `<cacheRoot>/hub/<models|datasets>--<owner>--<name>`. */
export function hubRepoFolder(cacheRoot: string, repo: string, repoType: HubRepoType): string {
  return path.join(cacheRoot, 'hub', `${repoType}s--${repo.split('/').join('--')}`);
}

/**
 * One folder per revision, holding the files at their repository paths, so that a model's revision folder is a
 * plain local model folder. Revisions such as "refs/pr/1" are escaped into a single folder name.
 */
export function hubRevisionFolder(cacheRoot: string, repo: string, repoType: HubRepoType, revision = DEFAULT_REVISION): string {
  return path.join(hubRepoFolder(cacheRoot, repo, repoType), encodeURIComponent(revision));
}

export function hubCachePath(cacheRoot: string, ref: HubFileRef): string {
  return path.join(hubRevisionFolder(cacheRoot, ref.repo, ref.repoType, ref.revision), ...ref.path.split('/'));
}

/**
 * Marker recording that a file is absent from a revision, so that probing optional files costs no request once
 * the answer is known. Kept beside the revision folders, not inside one, so model folders stay clean.
 */
export function hubAbsenceMarkerPath(cacheRoot: string, ref: HubFileRef): string {
  return path.join(
    hubRepoFolder(cacheRoot, ref.repo, ref.repoType),
    '.no_exist',
    encodeURIComponent(ref.revision ?? DEFAULT_REVISION),
    ...ref.path.split('/'),
  );
}

export function describeHubFile(ref: HubFileRef): string {
  return `${ref.repoType} "${ref.repo}" file "${ref.path}" (revision ${ref.revision ?? DEFAULT_REVISION})`;
}
