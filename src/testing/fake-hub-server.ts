/**
 * A stand-in for the Hub's file routes, on 127.0.0.1, for tests only: the real Hub is never contacted.
 * Serves `[/datasets]/<repo>/resolve/<revision>/<path>` from memory, records every request, and can misbehave on
 * demand (cut a body short, stall, redirect, refuse) to exercise the download's failure handling. Every revision that
 * has files is listed, as the Hub's `/api/<datasets|models>/<repo>/revision/<revision>` lists it, at the commit given
 * with setCommit or else at `defaultCommit(...)`, and its files are served under that commit too.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  acceptEncoding: string | undefined;
}

type Misbehaviour =
  | { kind: 'truncate' } // announce the full Content-Length, send half, destroy the socket
  | { kind: 'stall' } // send half, then hold the connection open until the client gives up
  | { kind: 'status'; status: number; errorCode?: string };

export interface FakeHub {
  endpoint: string;
  requests: RecordedRequest[];
  setFile(route: string, body: Buffer): void;
  /** The next `times` requests for `route` misbehave; later ones are served normally. */
  misbehave(route: string, behaviour: Misbehaviour, times?: number): void;
  /** Answer `from` with a 302 to `to` (another route on this server). */
  redirect(from: string, to: string): void;
  /** Serve `route` without Content-Length (chunked). */
  omitLength(route: string): void;
  /** Every request must carry `Authorization: Bearer <token>`, else 401. */
  requireToken(token: string | undefined): void;
  /** `revision` of `repo` is at commit `sha`: listed by the API route, its files served under the sha as well. */
  setCommit(repo: string, revision: string, sha: string, repoType?: 'model' | 'dataset'): void;
  close(): Promise<void>;
}

export function modelRoute(repo: string, file: string, revision = 'main'): string {
  return `/${repo}/resolve/${revision}/${file}`;
}

export function datasetRoute(repo: string, file: string, revision = 'main'): string {
  return `/datasets/${repo}/resolve/${revision}/${file}`;
}

/** The commit a revision stands at on the stand-in Hub when setCommit did not name one: 40 hex digits, stable. */
export function defaultCommit(repo: string, revision = 'main', repoType: 'model' | 'dataset' = 'model'): string {
  return createHash('sha1').update(`${repoType}:${repo}@${revision}`).digest('hex');
}

export function listingRoute(repo: string, revision = 'main', repoType: 'model' | 'dataset' = 'dataset'): string {
  return `/api/${repoType}s/${repo}/revision/${revision}`;
}

/** Every file under `folder`, keyed by its model route, read once into memory (the source stays untouched). */
export async function folderRoutes(folder: string, repo: string): Promise<Map<string, Buffer>> {
  const routes = new Map<string, Buffer>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    routes.set(modelRoute(repo, path.relative(folder, full).split(path.sep).join('/')), await readFile(full));
  }
  return routes;
}

/** Starts the server; it also shuts itself down after `lifetimeMs` so a failed test cannot leave it running. */
export async function startFakeHub(files: Map<string, Buffer> = new Map(), lifetimeMs = 60_000): Promise<FakeHub> {
  const bodies = new Map(files);
  const misbehaviours = new Map<string, { behaviour: Misbehaviour; times: number }>();
  const redirects = new Map<string, string>();
  const noLength = new Set<string>();
  const requests: RecordedRequest[] = [];
  let token: string | undefined;
  // "<prefix>/resolve/<revision>" keyed by "<prefix>/resolve/<sha>", where prefix is "/<repo>" or "/datasets/<repo>".
  const commits = new Map<string, { resolve: string; sha: string }>();

  /** The commit of a revision that has files: the one setCommit gave, else defaultCommit. */
  const commitOf = (prefix: string, revision: string): { resolve: string; sha: string } | undefined => {
    const resolve = `${prefix}/resolve/${revision}`;
    const given = [...commits.values()].find((c) => c.resolve === resolve);
    if (given) return given;
    if (![...bodies.keys()].some((r) => r.startsWith(`${resolve}/`))) return undefined;
    const dataset = /^\/datasets\/(.+)$/.exec(prefix);
    return { resolve, sha: defaultCommit(dataset ? dataset[1]! : prefix.slice(1), revision, dataset ? 'dataset' : 'model') };
  };

  /** The repo-info answer for a listing route: a JSON body, or the Hub's error code for a 404. */
  const listing = (route: string): Buffer | { errorCode: string } | undefined => {
    const match = /^\/api\/(datasets|models)\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(route);
    if (!match) return undefined;
    const [, type, repo, revision] = match;
    const prefix = type === 'datasets' ? `/datasets/${repo}` : `/${repo}`;
    const commit = /^[0-9a-f]{40}$/.test(revision!) ? atCommit(prefix, revision!) : commitOf(prefix, revision!);
    if (commit === undefined) {
      const known = [...bodies.keys()].some((r) => r.startsWith(`${prefix}/resolve/`));
      return { errorCode: known ? 'RevisionNotFound' : 'RepoNotFound' };
    }
    const files = [...bodies.keys()].filter((r) => r.startsWith(`${commit.resolve}/`)).map((r) => r.slice(commit.resolve.length + 1));
    return Buffer.from(JSON.stringify({ id: repo, sha: commit.sha, siblings: files.map((rfilename) => ({ rfilename })) }));
  };

  /** The commit `sha` of a repo, as the revision standing at it (listed and served like that revision). */
  const atCommit = (prefix: string, sha: string): { resolve: string; sha: string } | undefined => {
    const revisions = new Set([...bodies.keys()].filter((r) => r.startsWith(`${prefix}/resolve/`)).map((r) => r.slice(`${prefix}/resolve/`.length).split('/')[0]!));
    for (const c of commits.values()) if (c.resolve.startsWith(`${prefix}/resolve/`)) revisions.add(c.resolve.slice(`${prefix}/resolve/`.length));
    for (const revision of revisions) {
      const commit = commitOf(prefix, revision);
      if (commit?.sha === sha) return commit;
    }
    return undefined;
  };

  /** `<prefix>/resolve/<sha>/<path>` read as the route of the revision that stands at that commit. */
  const byCommit = (asked: string): string => {
    const match = /^(\/(?:datasets\/)?[^/]+\/[^/]+)\/resolve\/([0-9a-f]{40})\/(.+)$/.exec(asked);
    const commit = match ? atCommit(match[1]!, match[2]!) : undefined;
    return commit ? `${commit.resolve}/${match![3]}` : asked;
  };

  const server = http.createServer((req, res) => {
    const asked = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const route = byCommit(asked);
    requests.push({
      method: req.method ?? '',
      path: asked,
      authorization: req.headers.authorization,
      acceptEncoding: req.headers['accept-encoding'],
    });
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'X-Error-Code': 'RepoNotFound' }).end();
      return;
    }
    const target = redirects.get(route);
    if (target !== undefined) {
      res.writeHead(302, { Location: target }).end();
      return;
    }
    const body = bodies.get(route) ?? listing(route);
    if (body === undefined || !Buffer.isBuffer(body)) {
      res.writeHead(404, { 'X-Error-Code': body?.errorCode ?? 'EntryNotFound' }).end();
      return;
    }
    const pending = misbehaviours.get(route);
    if (pending !== undefined) {
      if (--pending.times <= 0) misbehaviours.delete(route);
      const { behaviour } = pending;
      if (behaviour.kind === 'status') {
        const headers: Record<string, string> = behaviour.errorCode ? { 'X-Error-Code': behaviour.errorCode } : {};
        res.writeHead(behaviour.status, headers).end();
        return;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'Content-Length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          if (behaviour.kind === 'truncate') res.socket?.destroy();
        });
        return;
      }
    }
    res.writeHead(200, noLength.has(route) ? {} : { 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setFile: (route, body) => void bodies.set(route, body),
    misbehave: (route, behaviour, times = 1) => void misbehaviours.set(route, { behaviour, times }),
    redirect: (from, to) => void redirects.set(from, to),
    omitLength: (route) => void noLength.add(route),
    requireToken: (value) => {
      token = value;
    },
    setCommit: (repo, revision, sha, repoType = 'dataset') => {
      const prefix = repoType === 'dataset' ? `/datasets/${repo}` : `/${repo}`;
      commits.set(`${prefix}/resolve/${sha}`, { resolve: `${prefix}/resolve/${revision}`, sha });
    },
    close,
  };
}
