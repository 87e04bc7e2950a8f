import { absolutePath, endormCacheRoot } from '../cache-root.js';
import { HubError } from './hub-errors.js';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
/**
 * How long a Hub request may go without a byte before it is given up: the answer's headers, then each stretch of its
 * body. A server that accepts and never answers would otherwise hold a run silent for minutes.
 */
export const DEFAULT_HUB_TIMEOUT_SECONDS = 30;

/** Where, as whom and how to reach the Hub. Every field has an environment default so the CLI needs no flags. */
export interface HubAccessOptions {
  /** Never touch the network; only what the cache holds counts. */
  offline?: boolean;
  /** Hub base URL; default `HF_ENDPOINT`, else https://huggingface.co (mirrors and test servers use this). */
  endpoint?: string;
  /** Cache root; default `ENDORM_CACHE`, else ~/.cache/endorm. Hub files go under `<cacheRoot>/hub/`. */
  cacheRoot?: string;
  /** Access token sent as `Authorization: Bearer`; default `HF_TOKEN`; "" sends none even if HF_TOKEN is set. */
  token?: string;
  /** Milliseconds a request may go without an answer or a body byte; default `ENDORM_HUB_TIMEOUT` (seconds), else 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HubSettings {
  endpoint: string;
  cacheRoot: string;
  token: string | undefined;
  offline: boolean;
  timeoutMs: number;
}

type Env = Record<string, string | undefined>;

export function hubEndpoint(env: Env = process.env): string {
  return normalizeEndpoint(nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HUB_ENDPOINT);
}

export function hubCacheRoot(env: Env = process.env): string {
  return endormCacheRoot(env);
}

export function hubToken(env: Env = process.env): string | undefined {
  return nonEmpty(env.HF_TOKEN);
}

/** Explicit options win over the environment. */
export function resolveHubSettings(options: HubAccessOptions = {}, env: Env = process.env): HubSettings {
  return {
    endpoint: options.endpoint === undefined ? hubEndpoint(env) : normalizeEndpoint(options.endpoint),
    cacheRoot: options.cacheRoot === undefined ? hubCacheRoot(env) : absolutePath(options.cacheRoot),
    token: options.token === undefined ? hubToken(env) : nonEmpty(options.token),
    offline: options.offline ?? false,
    timeoutMs: options.timeoutMs ?? hubTimeoutMs(env),
  };
}

/** `ENDORM_HUB_TIMEOUT` (seconds, > 0) in milliseconds; the default when unset. */
export function hubTimeoutMs(env: Env = process.env): number {
  const raw = nonEmpty(env.ENDORM_HUB_TIMEOUT);
  if (raw === undefined) return DEFAULT_HUB_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new HubError('invalid', `ENDORM_HUB_TIMEOUT="${raw}" is not a number of seconds > 0`);
  return seconds * 1000;
}

function normalizeEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new HubError('invalid', `Hub endpoint "${raw}" (HF_ENDPOINT) is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HubError('invalid', `Hub endpoint "${raw}" (HF_ENDPOINT) must be an http(s) URL`);
  }
  // URLs are built by appending "/<repo>/resolve/...", so a trailing slash would double up.
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
