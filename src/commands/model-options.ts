import { Command, Option } from 'commander';
import { positiveInt, positiveNumber } from './option-parsers.js';
import { DEFAULT_HUB_TIMEOUT_SECONDS } from '../model/hub/hub-settings.js';
import { ONNX_DTYPES } from '../model/hub/dtype-files.js';
import { DEVICE_CHOICES, type DeviceChoice } from '../engine/devices.js';

export interface ModelCliOptions {
  model?: string;
  revision?: string;
  dtype: string;
  offline?: boolean;
  device: DeviceChoice;
  threads?: number;
  hubTimeout?: number;
}

/** The options every command that loads a model takes, defined once. */
export function addModelOptions(command: Command): Command {
  return command
    .option('-m, --model <path-or-id>', 'local model folder (config.json, tokenizer, onnx/) or Hub id (default $ENDORM_MODEL or the built-in default)')
    .option('--revision <rev>', "a Hub model's branch, tag or commit (default: main); run.json records the commit it resolved to")
    .addOption(new Option('--dtype <dtype>', 'which ONNX weights to load, named as transformers.js names them (fp16 and q4f16 compute in half precision on webgpu/cuda; on cpu they run slower than fp32)').choices([...ONNX_DTYPES]).default('fp32'))
    .option('--offline', 'never download; a Hub model must already be cached')
    .option('--hub-timeout <seconds>', `give up a Hub request that sends nothing for this long (default $ENDORM_HUB_TIMEOUT, else ${DEFAULT_HUB_TIMEOUT_SECONDS})`, positiveNumber)
    .addOption(new Option('--device <device>', 'where to compute: cpu, webgpu (a GPU through Vulkan/Metal/D3D12), cuda (needs the CUDA provider installed), auto (cuda if it starts, else cpu)').choices([...DEVICE_CHOICES]).default('cpu'))
    .option('--threads <n>', 'onnxruntime threads per operator (default: the machine\'s cores)', positiveInt);
}
