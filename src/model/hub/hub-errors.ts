import { EndormError } from '../../util/endorm-error.js';
import { EXIT } from '../../util/exit-codes.js';

/**
 * Why a Hub operation failed, so that callers can react (e.g. the CLI picks an exit code, a probe treats
 * `not-found` as "absent") without parsing messages.
 */
export type HubErrorCode =
  | 'invalid' // a malformed repo id, path or endpoint
  | 'not-found' // 404: no such file, revision or repository
  | 'unauthorized' // 401/403: private, gated, or a bad token
  | 'not-cached' // offline and the file is not in the cache
  | 'network' // the request never got an HTTP answer
  | 'interrupted' // the answer started but the body did not arrive whole
  | 'http'; // any other HTTP failure (5xx, 429, ...)

export class HubError extends EndormError {
  readonly exitCode = EXIT.model;
  override name = 'HubError';
  constructor(
    readonly code: HubErrorCode,
    message: string,
    readonly details: { url?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** A short reason from whatever fetch or a socket threw; undici hides the useful part in `cause`. */
export function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return err.message;
}
