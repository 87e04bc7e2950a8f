import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gpuNames } from './gpu-names.js';

test('gpuNames reads each GPU model the NVIDIA driver lists, in bus order, and nothing where there is no driver', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-gpus-'));
  const gpu = (bus: string, text: string) => {
    fs.mkdirSync(path.join(root, bus));
    fs.writeFileSync(path.join(root, bus, 'information'), text);
  };
  // The layout of /proc/driver/nvidia/gpus/<bus>/information.
  gpu('0000:1b:00.0', 'Model: \t\t NVIDIA H200\nIRQ:   \t\t 35\nGPU UUID: \t GPU-1\nVideo BIOS: \t 96.00.a1.00.01\nBus Type: \t PCIe\n');
  gpu('0000:0a:00.0', 'Model: \t\t NVIDIA A100-SXM4-80GB\nIRQ:   \t\t 34\n');
  fs.mkdirSync(path.join(root, '0000:2c:00.0')); // no information file
  assert.deepEqual(gpuNames(root), ['NVIDIA A100-SXM4-80GB', 'NVIDIA H200']);
  assert.deepEqual(gpuNames(path.join(root, 'absent')), []);
});
