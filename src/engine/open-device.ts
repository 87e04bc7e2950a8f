import ort from 'onnxruntime-node';
import { ModelError } from '../model/model-errors.js';
import { onnx } from '../onnx/onnx-proto.js';
import { assertCudaAvailable, cudaUnavailableReason } from './cuda-provider.js';
import { DEVICES, type Device, type DeviceChoice, type DeviceName } from './devices.js';

/**
 * The device for `choice`, once its execution provider has started on this machine: before any download or graph
 * rewrite, a device that cannot start is a ModelError (exit 4) naming what is missing and what to use instead.
 * `auto` is cuda where its provider starts, else cpu (never webgpu: an integrated GPU can lose to the CPU).
 */
export async function openDevice(choice: DeviceChoice = 'cpu'): Promise<Device> {
  if (choice === 'cpu') return DEVICES.cpu;
  if (choice === 'auto') {
    if (cudaUnavailableReason() !== undefined) return DEVICES.cpu;
    return (await startError(DEVICES.cuda)) === undefined ? DEVICES.cuda : DEVICES.cpu;
  }
  const device = DEVICES[choice];
  if (choice === 'cuda') assertCudaAvailable();
  const error = await startError(device);
  if (error !== undefined) throw deviceStartError(device.name, error);
  return device;
}

/** The error for a device whose provider onnxruntime could not start, with onnxruntime's own words in it. */
export function deviceStartError(name: DeviceName, message: string): ModelError {
  const device = DEVICES[name];
  const what = name === 'webgpu' ? 'found no WebGPU adapter or could not start its WebGPU execution provider' : `could not start its ${name.toUpperCase()} execution provider`;
  return new ModelError(`--device ${name}: onnxruntime ${what} (${oneLine(message)}); it needs ${device.needs}; use --device cpu`);
}

/** Why a session on `device` cannot start, from a one-node model: providers look for their adapter when a session asks. */
async function startError(device: Device): Promise<string | undefined> {
  try {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [device.executionProvider], logSeverityLevel: 3 });
    await session.release();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

let probe: Uint8Array | undefined;
function probeModel(): Uint8Array {
  const info = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
  probe ??= onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: { name: 'probe', node: [{ opType: 'Identity', input: ['x'], output: ['y'], name: 'identity' }], input: [info('x')], output: [info('y')] },
    }),
  ).finish();
  return probe;
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}
