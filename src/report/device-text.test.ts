import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceText } from './provenance-text.js';

test('the run card names the GPUs of a GPU run before the CPU, and a CPU run as before', () => {
  const cpu = { name: 'cpu', executionProvider: 'cpu', cpu: 'Intel Xeon', cores: 16, threads: 16 };
  assert.equal(deviceText(cpu, 'linux x64'), 'cpu (cpu provider) on Intel Xeon, 16 cores, 16 threads, linux x64');
  assert.equal(
    deviceText({ ...cpu, name: 'webgpu', executionProvider: 'webgpu', gpus: ['NVIDIA H200'] }, 'linux x64'),
    'webgpu (webgpu provider) on NVIDIA H200; Intel Xeon, 16 cores, 16 threads, linux x64',
  );
});
