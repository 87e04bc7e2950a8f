import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  hubAbsenceMarkerPath,
  hubCachePath,
  hubFileUrl,
  hubRevisionFolder,
  validateRepoId,
  validateRepoPath,
} from './hub-paths.js';

describe('hub paths', () => {
  it('builds the Hub URL layout for models and datasets', () => {
    const endpoint = 'https://huggingface.co';
    assert.equal(
      hubFileUrl(endpoint, { repo: 'onnx-community/Qwen3-0.6B-ONNX', repoType: 'model', path: 'onnx/model_q4.onnx' }),
      'https://huggingface.co/onnx-community/Qwen3-0.6B-ONNX/resolve/main/onnx/model_q4.onnx',
    );
    assert.equal(
      hubFileUrl(endpoint, { repo: 'THU-KEG/RM-Bench', repoType: 'dataset', path: 'total_dataset.json', revision: 'v1' }),
      'https://huggingface.co/datasets/THU-KEG/RM-Bench/resolve/v1/total_dataset.json',
    );
    assert.equal(
      hubFileUrl(endpoint, { repo: 'a/b', repoType: 'model', path: 'dir/with space.json', revision: 'refs/pr/1' }),
      'https://huggingface.co/a/b/resolve/refs%2Fpr%2F1/dir/with%20space.json',
    );
  });

  it('lays the cache out as <cache>/hub/<type>s--owner--name/<revision>/<path>', () => {
    const ref = { repo: 'o/n', repoType: 'model' as const, path: 'onnx/model.onnx' };
    assert.equal(hubCachePath('/c', ref), path.join('/c', 'hub', 'models--o--n', 'main', 'onnx', 'model.onnx'));
    assert.equal(
      hubCachePath('/c', { repo: 'o/d', repoType: 'dataset', path: 'x.json', revision: 'refs/pr/2' }),
      path.join('/c', 'hub', 'datasets--o--d', 'refs%2Fpr%2F2', 'x.json'),
    );
    assert.equal(hubRevisionFolder('/c', 'o/n', 'model'), path.join('/c', 'hub', 'models--o--n', 'main'));
    // Absence markers live beside the revision folders, never inside the folder handed out as a model folder.
    assert.equal(hubAbsenceMarkerPath('/c', ref), path.join('/c', 'hub', 'models--o--n', '.no_exist', 'main', 'onnx', 'model.onnx'));
  });

  it('refuses ids and paths that could escape the cache or confuse its layout', () => {
    validateRepoId('owner/name.v2-x_y', 'model');
    validateRepoId('gpt2', 'model');
    for (const bad of ['', 'a/b/c', '../x', 'a/..', 'a--b/c', '/abs', 'a/', 'a b/c']) {
      assert.throws(() => validateRepoId(bad, 'model'), /not a valid Hub model id/, bad);
    }
    validateRepoPath('onnx/model.onnx');
    for (const bad of ['', '/etc/passwd', 'a/../../b', './a', 'a//b', 'a\\b']) {
      assert.throws(() => validateRepoPath(bad), /not a valid file path/, bad);
    }
  });
});
