import { hasAbsenceMarker, isRegularFile, writeAbsenceMarker } from './cache-entries.js';
import { hubCachePath, validateRepoId, validateRepoPath, type HubFileRef } from './hub-paths.js';
import { hubHttpError, requestHubFile } from './hub-request.js';
import { resolveHubSettings, type HubAccessOptions } from './hub-settings.js';

export interface FileExistsOnHubOptions extends HubFileRef, HubAccessOptions {}

/**
 * Whether an (optional) file exists in a Hub repository revision, by a HEAD request.
 *
 * The cache answers first: a cached file exists, and a file the Hub once answered 404 for is remembered as absent
 * (`.no_exist` marker), so repeated probes cost no request. Offline, the cache is the only source: a file that is
 * not cached counts as absent.
 *
 * A 404 for the file is `false`; a 404 for the whole repo or revision, refused access, and network failures throw.
 */
export async function fileExistsOnHub(options: FileExistsOnHubOptions): Promise<boolean> {
  const ref: HubFileRef = { repo: options.repo, repoType: options.repoType, path: options.path, revision: options.revision };
  validateRepoId(ref.repo, ref.repoType);
  validateRepoPath(ref.path);
  const settings = resolveHubSettings(options);
  if (await isRegularFile(hubCachePath(settings.cacheRoot, ref))) return true;
  if (settings.offline) return false;
  if (await hasAbsenceMarker(settings.cacheRoot, ref)) return false;

  const { url, response } = await requestHubFile(ref, 'HEAD', settings, options.signal);
  if (response.ok) return true;
  const errorCode = response.headers.get('x-error-code');
  if (response.status === 404 && errorCode !== 'RepoNotFound' && errorCode !== 'RevisionNotFound') {
    await writeAbsenceMarker(settings.cacheRoot, ref);
    return false;
  }
  throw hubHttpError(ref, url, response, settings.token !== undefined);
}
