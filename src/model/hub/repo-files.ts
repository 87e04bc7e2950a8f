import fs from 'node:fs/promises';
import path from 'node:path';
import { HubError } from './hub-errors.js';
import { DEFAULT_REVISION, hubRepoFolder, validateRepoId, type HubRepoType } from './hub-paths.js';
import { hubHttpError, requestHubUrl } from './hub-request.js';
import { resolveHubSettings, type HubAccessOptions } from './hub-settings.js';

/** The files of one revision of a Hub repository, and the commit that revision stood at when listed. */
export interface HubRepoListing {
  revision: string;
  /** 40 hex digits: downloading at the commit rather than at a branch keeps every file of one listing consistent. */
  commit: string;
  /** Repository paths, "/"-separated. */
  files: string[];
}

export interface ListHubRepoFilesOptions extends HubAccessOptions {
  repo: string;
  repoType: HubRepoType;
  /** Branch, tag or commit; default "main". */
  revision?: string;
}

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Lists a revision through the Hub's repo-info API (`/api/<models|datasets>/<repo>/revision/<revision>`, which answers
 * the commit and every file as `siblings`). Each answer is kept in the cache, so that --offline can list what an
 * earlier run listed, and a revision that is itself a commit, which can never change, is listed once.
 */
export async function listHubRepoFiles(options: ListHubRepoFilesOptions): Promise<HubRepoListing> {
  const { repo, repoType } = options;
  validateRepoId(repo, repoType);
  const revision = options.revision ?? DEFAULT_REVISION;
  const settings = resolveHubSettings(options);
  const cached = hubListingCachePath(settings.cacheRoot, repo, repoType, revision);
  if (settings.offline || COMMIT.test(revision)) {
    const listing = await readCachedListing(cached, revision);
    if (listing !== undefined) return listing;
    if (settings.offline) {
      throw new HubError(
        'not-cached',
        `the file list of ${repoType} "${repo}" (revision ${revision}) is not cached (looked for ${cached}), and --offline ` +
          `forbids asking the Hub for it; run once without --offline`,
      );
    }
  }

  const url = `${settings.endpoint}/api/${repoType}s/${repo}/revision/${encodeURIComponent(revision)}`;
  const response = await requestHubUrl(url, 'GET', settings, options.signal);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const code = response.headers.get('x-error-code');
    if (response.status === 404 && code !== 'RepoNotFound' && code !== 'RevisionNotFound') {
      throw new HubError('not-found', `${repoType} "${repo}" (revision ${revision}) could not be listed: ${url} answered HTTP 404`, {
        url,
        status: 404,
      });
    }
    throw hubHttpError({ repo, repoType, revision, path: '' }, url, response, settings.token !== undefined);
  }
  const listing = parseListing(await response.text(), revision);
  if (listing === undefined) {
    throw new HubError('http', `the Hub's answer for ${url} is not a repository listing (no commit sha and file list)`, { url });
  }
  // Best effort, and not atomic on purpose: a torn file fails to parse and only costs a request, or an offline error.
  // Kept under the commit too, so that what is pinned to it later (a resumed run) is listed from the cache.
  const byCommit = hubListingCachePath(settings.cacheRoot, repo, repoType, listing.commit);
  for (const file of new Set([cached, byCommit])) {
    await fs
      .mkdir(path.dirname(file), { recursive: true })
      .then(() => fs.writeFile(file, JSON.stringify(listing)))
      .catch(() => undefined);
  }
  return listing;
}

/** `<repo folder>/.listings/<revision>.json`, beside the revision folders so those hold only repository files. */
export function hubListingCachePath(cacheRoot: string, repo: string, repoType: HubRepoType, revision: string): string {
  return path.join(hubRepoFolder(cacheRoot, repo, repoType), '.listings', `${encodeURIComponent(revision)}.json`);
}

/** The listing of a revision as an earlier call cached it, without asking the Hub; undefined when there is none. */
export async function cachedHubListing(cacheRoot: string, repo: string, repoType: HubRepoType, revision: string): Promise<HubRepoListing | undefined> {
  return readCachedListing(hubListingCachePath(cacheRoot, repo, repoType, revision), revision);
}

async function readCachedListing(file: string, revision: string): Promise<HubRepoListing | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseListing(text, revision);
}

/** The Hub's repo-info JSON, or a cached listing, as a HubRepoListing; undefined for anything else. */
function parseListing(text: string, revision: string): HubRepoListing | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { sha, commit, siblings, files } = value as Record<string, unknown>;
  const id = typeof sha === 'string' ? sha : commit;
  const names = Array.isArray(siblings) ? siblings.map((s) => (s as { rfilename?: unknown } | null)?.rfilename) : files;
  if (typeof id !== 'string' || !COMMIT.test(id) || !Array.isArray(names) || !names.every((n) => typeof n === 'string')) return undefined;
  return { revision, commit: id, files: names as string[] };
}
