import { HubError, describeCause } from './hub-errors.js';
import { DEFAULT_REVISION, hubFileUrl, type HubFileRef } from './hub-paths.js';
import type { HubSettings } from './hub-settings.js';

/**
 * Sends one request for a Hub file, following redirects (the Hub answers LFS files with a redirect to its CDN;
 * fetch drops the Authorization header when the redirect leaves the origin, so the token is not leaked there).
 * Resolves with any HTTP answer; rejects with a `network` HubError when there is none.
 */
export async function requestHubFile(
  ref: HubFileRef,
  method: 'GET' | 'HEAD',
  settings: HubSettings,
  signal?: AbortSignal,
): Promise<{ url: string; response: Response }> {
  const url = hubFileUrl(settings.endpoint, ref);
  return { url, response: await requestHubUrl(url, method, settings, signal) };
}

/**
 * One request to any Hub URL (a file, or the API), with the same headers, token and network errors as files. A server
 * that sends nothing for `settings.timeoutMs` (no answer, or a body that stalls) is given up with a `network` HubError.
 */
export async function requestHubUrl(url: string, method: 'GET' | 'HEAD', settings: HubSettings, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = {
    // Content-Length must describe the bytes we count: a compressed answer would be inflated by fetch and never match.
    'Accept-Encoding': 'identity',
    'User-Agent': 'endorm',
  };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  const seconds = settings.timeoutMs / 1000;
  const silence = new AbortController();
  const timedOut = () =>
    new HubError(
      'network',
      `the Hub at ${url} sent nothing for ${seconds} s; check the network connection and HF_ENDPOINT, allow more time with ` +
        `--hub-timeout SECONDS (or ENDORM_HUB_TIMEOUT), or run with --offline to use a cached copy`,
      { url },
    );
  // Unref'd: a body the caller cancels (no flush comes) must not keep the process alive until the clock runs out.
  const arm = () => setTimeout(() => silence.abort(timedOut()), settings.timeoutMs).unref();
  let timer = arm();
  const rearm = () => {
    clearTimeout(timer);
    timer = arm();
  };
  try {
    const response = await fetch(url, { method, headers, redirect: 'follow', signal: signal ? AbortSignal.any([signal, silence.signal]) : silence.signal });
    if (response.body === null) {
      clearTimeout(timer);
      return response;
    }
    // The body streams after this returns: each chunk restarts the clock, its end (or an error) stops it.
    rearm();
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          rearm();
          controller.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
  } catch (err) {
    clearTimeout(timer);
    if (signal?.aborted) throw signal.reason ?? err;
    if (silence.signal.aborted) throw silence.signal.reason;
    throw new HubError(
      'network',
      `could not reach the Hub at ${url} (${describeCause(err)}); check the network connection and HF_ENDPOINT, ` +
        `or run with --offline to use a cached copy`,
      { url, cause: err },
    );
  }
}

/** Turns a non-2xx answer into an error that says what to do about it. */
export function hubHttpError(ref: HubFileRef, url: string, response: Response, tokenSent: boolean): HubError {
  const { status } = response;
  const what = `${ref.repoType} "${ref.repo}"`;
  const revision = ref.revision ?? DEFAULT_REVISION;
  // The Hub says which part was missing or refused; mirrors may not, so the plain message is the fallback.
  const errorCode = response.headers.get('x-error-code');
  const details = { url, status };
  if (status === 404) {
    if (errorCode === 'RepoNotFound') {
      return new HubError('not-found', `${what} was not found on the Hub${tokenSent ? '' : ' (if it is private, set HF_TOKEN)'}`, details);
    }
    if (errorCode === 'RevisionNotFound') {
      return new HubError('not-found', `${what} has no revision "${revision}" on the Hub`, details);
    }
    return new HubError('not-found', `${what} has no file "${ref.path}" on the Hub (revision ${revision})`, details);
  }
  if (status === 401 || status === 403) {
    if (errorCode === 'GatedRepo') {
      return new HubError(
        'unauthorized',
        `${what} is gated: accept its conditions on its Hub page, then set HF_TOKEN to a token of that account ` +
          `(HTTP ${status} for ${url})`,
        details,
      );
    }
    const advice = tokenSent
      ? `the HF_TOKEN sent was refused: check that it is valid and can read ${what}`
      : `${what} may be private or gated, or may not exist; set HF_TOKEN to a Hugging Face access token that can read it`;
    return new HubError('unauthorized', `the Hub refused access to ${url} (HTTP ${status}): ${advice}`, details);
  }
  const text = response.statusText ? ` ${response.statusText}` : '';
  return new HubError(
    'http',
    `the Hub answered HTTP ${status}${text} for ${url}; try again later, or run with --offline to use a cached copy`,
    details,
  );
}
