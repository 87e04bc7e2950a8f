import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { processAlive } from '../../util/process-alive.js';
import { isRegularFile } from './cache-entries.js';
import { HubError, describeCause } from './hub-errors.js';
import { describeHubFile, hubCachePath, validateRepoId, validateRepoPath, type HubFileRef } from './hub-paths.js';
import { hubHttpError, requestHubFile } from './hub-request.js';
import { resolveHubSettings, type HubAccessOptions } from './hub-settings.js';
import type { HubProgressCallback } from './progress.js';

/*
 * Why not transformers.js's own Hub download (`getModelFile` and its `FileCache`)? In 4.3.1 it cannot meet what
 * endorm needs:
 *  - it is not public API: the package's `exports` map only exposes the bundle entry, and that entry does not
 *    export `getModelFile`, `FileCache` or `getCache` (only `ModelRegistry`, which lists/inspects files but
 *    does not download them to a path);
 *  - no datasets: the URL comes from one global `env.remotePathTemplate` ("{model}/resolve/{revision}/"), and a
 *    "datasets/owner/name" id fails its repo-id check;
 *  - its cache layout is `<cacheDir>/<owner>/<name>/<file>` for "main" (revision folder only for other revisions),
 *    not the `<models|datasets>--owner--name/<revision>/` layout asked for here;
 *  - endpoint and cache folder are process-global (`env.remoteHost`, `env.cacheDir`), so two callers with different
 *    settings (e.g. tests in parallel) would race;
 *  - it sends HF_TOKEN only when the host is huggingface.co/hf.co, so a mirror set through HF_ENDPOINT gets no token;
 *  - `FileCache.put` renames its temp file into place without comparing the bytes written to Content-Length, and
 *    there is no AbortSignal;
 *  - its errors ("Could not locate file") cannot say which repo/revision was meant or suggest HF_TOKEN / --offline.
 * So the download below is Node's fetch streamed to a part file.
 */

export interface DownloadHubFileOptions extends HubFileRef, HubAccessOptions {
  onProgress?: HubProgressCallback;
}

/**
 * The local absolute path of one Hub file, downloading it into the cache first unless it is already there.
 * A cached file costs no request. Offline, a missing file is an error rather than a download.
 */
export async function downloadHubFile(options: DownloadHubFileOptions): Promise<string> {
  const ref: HubFileRef = { repo: options.repo, repoType: options.repoType, path: options.path, revision: options.revision };
  validateRepoId(ref.repo, ref.repoType);
  validateRepoPath(ref.path);
  const settings = resolveHubSettings(options);
  const finalPath = hubCachePath(settings.cacheRoot, ref);
  if (await isRegularFile(finalPath)) return finalPath;
  if (settings.offline) {
    throw new HubError(
      'not-cached',
      `${describeHubFile(ref)} is not cached (looked for ${finalPath}), and --offline forbids downloading it; ` +
        `run once without --offline to fetch it`,
    );
  }

  const { signal, onProgress } = options;
  const { url, response } = await requestHubFile(ref, 'GET', settings, signal);
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw hubHttpError(ref, url, response, settings.token !== undefined);
  }
  const total = expectedLength(response);

  await fs.mkdir(path.dirname(finalPath), { recursive: true });
  await removeStalePartFiles(finalPath);
  // Unique per process and attempt, so concurrent downloads of the same file never write into each other.
  const partPath = `${finalPath}.part-${process.pid}-${randomBytes(6).toString('hex')}`;
  let loaded = 0;
  let callbackError: unknown;
  const report = (done: boolean) => onProgress?.({ repo: ref.repo, file: ref.path, loaded, total, done });
  try {
    report(false);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        loaded += chunk.length;
        try {
          report(false);
        } catch (err) {
          callbackError = err;
          callback(err as Error);
          return;
        }
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(partPath, { flags: 'wx' }),
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      // The caller's own progress callback failing is its error to see, not a network problem.
      if (callbackError !== undefined) throw callbackError;
      if (isFileSystemError(err)) throw err;
      throw interrupted(url, loaded, total, describeCause(err), err);
    }
    // A transfer that ends early without an error (a proxy closing cleanly) must not pass for complete.
    if (total !== undefined && loaded !== total) throw interrupted(url, loaded, total, 'the body ended early');
    await fs.rename(partPath, finalPath);
  } catch (err) {
    await fs.rm(partPath, { force: true }).catch(() => undefined);
    throw err;
  }
  report(true);
  return finalPath;
}

/** A part file younger than this may belong to a download on another machine sharing the cache: left alone. */
const STALE_PART_MS = 10 * 60 * 1000;

/**
 * Removes the part files of this file that a killed download left (SIGKILL gives no chance to clean up): those whose
 * process is gone from this machine and that nobody has written to for STALE_PART_MS.
 */
export async function removeStalePartFiles(finalPath: string, now = Date.now()): Promise<string[]> {
  const dir = path.dirname(finalPath);
  const prefix = `${path.basename(finalPath)}.part-`;
  const removed: string[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const pid = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid === undefined || processAlive(Number(pid))) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat || now - stat.mtimeMs < STALE_PART_MS) continue;
    await fs.rm(file, { force: true });
    removed.push(file);
  }
  return removed;
}

function expectedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  // Content-Length counts encoded bytes; if a server compresses despite "identity", fetch inflates and the counts differ.
  if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

function interrupted(url: string, loaded: number, total: number | undefined, reason: string, cause?: unknown): HubError {
  const of = total === undefined ? '' : ` of ${total}`;
  return new HubError(
    'interrupted',
    `download of ${url} was interrupted after ${loaded}${of} bytes (${reason}); nothing was kept. ` +
      `Run again to retry, or run with --offline to use a cached copy`,
    { url, cause },
  );
}

function isFileSystemError(err: unknown): boolean {
  // Node's fs errors carry the path they failed on; socket and fetch errors do not.
  return err instanceof Error && typeof (err as { path?: unknown }).path === 'string';
}
