import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HubError } from './hub-errors.js';
import { hubCacheRoot, hubEndpoint, hubToken, resolveHubSettings } from './hub-settings.js';

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
    const env = { HF_ENDPOINT: 'https://a.example', ENDORM_CACHE: '/env-cache', HF_TOKEN: 'env-token' };
    const settings = resolveHubSettings(
      { endpoint: 'http://127.0.0.1:9/', cacheRoot: '/opt-cache', token: 'opt-token', offline: true },
      env,
    );
    assert.deepEqual(settings, { endpoint: 'http://127.0.0.1:9', cacheRoot: '/opt-cache', token: 'opt-token', offline: true });
    assert.deepEqual(resolveHubSettings({}, env), {
      endpoint: 'https://a.example',
      cacheRoot: '/env-cache',
      token: 'env-token',
      offline: false,
    });
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'huggingface.co' }), (e: unknown) => e instanceof HubError && e.code === 'invalid');
    assert.throws(() => hubEndpoint({ HF_ENDPOINT: 'ftp://x' }), /must be an http\(s\) URL/);
  });
});
