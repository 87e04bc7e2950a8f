import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HubError } from './hub-errors.js';
import { hubCacheRoot, hubEndpoint, hubTimeoutMs, hubToken, resolveHubSettings } from './hub-settings.js';

describe('hub settings', () => {
  it('defaults to huggingface.co and ~/.cache/endorm, without a token', () => {
    assert.equal(hubEndpoint({}), 'https://huggingface.co');
    assert.equal(hubCacheRoot({}), path.join(os.homedir(), '.cache', 'endorm'));
    assert.equal(hubToken({}), undefined);
  });

  it('reads HF_ENDPOINT, ENDORM_CACHE and HF_TOKEN', () => {
    const env = { HF_ENDPOINT: 'https://hf-mirror.com/', ENDORM_CACHE: 'rel/cache', HF_TOKEN: ' hf_abc ' };
    assert.equal(hubEndpoint(env), 'https://hf-mirror.com');
    assert.equal(hubCacheRoot(env), path.resolve('rel/cache'));
    assert.equal(hubToken(env), 'hf_abc');
    assert.equal(hubCacheRoot({ ENDORM_CACHE: '~/x' }), path.join(os.homedir(), 'x'));
    assert.equal(hubToken({ HF_TOKEN: '' }), undefined);
  });

  it('lets explicit options win over the environment', () => {
    const env = { HF_ENDPOINT: 'https://a.example', ENDORM_CACHE: '/env-cache', HF_TOKEN: 'env-token', ENDORM_HUB_TIMEOUT: '2.5' };
    const settings = resolveHubSettings(
      { endpoint: 'http://127.0.0.1:9/', cacheRoot: '/opt-cache', token: 'opt-token', offline: true, timeoutMs: 700 },
      env,
    );
    assert.deepEqual(settings, { endpoint: 'http://127.0.0.1:9', cacheRoot: '/opt-cache', token: 'opt-token', offline: true, timeoutMs: 700 });
    assert.deepEqual(resolveHubSettings({}, env), {
      endpoint: 'https://a.example',
      cacheRoot: '/env-cache',
      token: 'env-token',
      offline: false,
      timeoutMs: 2500,
    });
  });

  it('gives up a silent Hub after ENDORM_HUB_TIMEOUT seconds, 30 by default; a bad value is refused', () => {
    assert.equal(hubTimeoutMs({}), 30_000);
    assert.equal(hubTimeoutMs({ ENDORM_HUB_TIMEOUT: '0.5' }), 500);
    for (const bad of ['0', '-3', 'soon']) {
      assert.throws(() => hubTimeoutMs({ ENDORM_HUB_TIMEOUT: bad }), (e: unknown) => e instanceof HubError && e.code === 'invalid' && /ENDORM_HUB_TIMEOUT/.test(e.message));
    }
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'huggingface.co' }), (e: unknown) => e instanceof HubError && e.code === 'invalid');
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'ftp://x' }), /must be an http\(s\) URL/);
  });
});
