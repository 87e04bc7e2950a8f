import type { ScoringHead } from '../onnx/scoring-io.js';

/** Where a run computes: onnxruntime's CPU provider, its WebGPU provider (bundled), or its CUDA provider (installed). */
export type DeviceName = 'cpu' | 'webgpu' | 'cuda';
/** What `--device` takes: a device, or `auto` (cuda where its provider starts, else cpu). */
export type DeviceChoice = DeviceName | 'auto';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['cpu', 'webgpu', 'cuda', 'auto'];

/** Everything that differs between devices. Code that would branch on the device reads this instead. */
export interface Device {
  name: DeviceName;
  /** onnxruntime-node's name of the execution provider. */
  executionProvider: 'cpu' | 'webgpu' | 'cuda';
  /** The dtype used when none is given: fp32 everywhere, so that every device gives the same scores (1e-4). */
  defaultDtype: 'fp32';
  /** Whether fp16 weights run in half precision (on CPU onnxruntime computes most fp16 operators through fp32 casts). */
  halfPrecision: boolean;
  /** Which scoring head the device's graph uses (see onnx/scoring-io.ts). */
  head: ScoringHead;
  /** Default `--batch-size` and `--max-batch-tokens`. */
  batchSize: number;
  maxBatchTokens: number;
  /** Most attention scores (rows × heads × seq × (past + seq)) of one onnxruntime run; larger batches run in row groups. */
  attentionElements: number;
  /**
   * Most floats the head holds at once: for `scan`, alphas × chunk × vocab per step (three such tensors exist); for
   * `gathered`, (alphas + 2) × positions × vocab per run, which bounds the scored positions of one run.
   */
  headElements: number;
  /**
   * Where `present.*` (a prompt's cache, fed back as `past_key_values.*`) comes back: `gpu-buffer` keeps it on the
   * device (onnxruntime-node binds outputs to device memory for WebGPU only: its binding names the WebGPU allocator).
   */
  cacheLocation: 'cpu' | 'gpu-buffer';
  /** What the device needs to start, said when it cannot. */
  needs: string;
}

const GPU_BATCH = {
  // 16 × 512 is the largest shape the WebGPU probe on an H200 ran (../shared/tools/gpu/README.md); not yet tuned here.
  batchSize: 16,
  maxBatchTokens: 8192,
  // A GPU wants large runs and has its own memory: 8× the CPU budget (16 rows × 14 heads × 512² fit).
  attentionElements: 1 << 27,
  // 4 GiB of floats: 2,356 scored positions per run at Qwen's 151,936-token vocabulary and one α.
  headElements: 1 << 30,
} as const;

export const DEVICES: Readonly<Record<DeviceName, Device>> = Object.freeze({
  cpu: {
    name: 'cpu',
    executionProvider: 'cpu',
    defaultDtype: 'fp32',
    halfPrecision: false,
    head: 'scan',
    batchSize: 8,
    maxBatchTokens: 4096,
    // 16 Mi scores (64 MiB per float32 score tensor of a layer). Row groups under this budget were also faster than
    // whole batches on CPU: at 8 × 1024 tokens on qwen-vocab, one row per run took 18-22 s against 23-27 s for the
    // batch, with 1.7 GB peak RSS against 3.0 GB.
    attentionElements: 1 << 24,
    // 32 Mi floats (128 MiB) per [alphas, chunk, vocab] tensor. Each Scan step streams the whole output embedding from
    // memory, so larger chunks pay that once for more rows: at Qwen's vocabulary, 220-row chunks scored
    // RM-Bench-shaped input about 10% faster than 55-row ones (8 Mi), for 193 MiB more peak RSS at 8 × 1024 tokens.
    headElements: 1 << 25,
    cacheLocation: 'cpu',
    needs: '',
  },
  webgpu: {
    name: 'webgpu',
    executionProvider: 'webgpu',
    defaultDtype: 'fp32',
    halfPrecision: true,
    head: 'gathered',
    ...GPU_BATCH,
    cacheLocation: 'gpu-buffer',
    needs:
      'a GPU whose driver speaks Vulkan (Linux: with the Vulkan loader libvulkan.so.1, Debian package libvulkan1), ' +
      'Metal (macOS) or D3D12 (Windows)',
  },
  cuda: {
    name: 'cuda',
    executionProvider: 'cuda',
    defaultDtype: 'fp32',
    halfPrecision: true,
    head: 'gathered',
    ...GPU_BATCH,
    cacheLocation: 'cpu',
    needs: 'an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9',
  },
});

export function isDeviceChoice(value: string): value is DeviceChoice {
  return (DEVICE_CHOICES as readonly string[]).includes(value);
}
