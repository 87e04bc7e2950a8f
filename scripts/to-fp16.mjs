#!/usr/bin/env node
// Writes the float16 twin of a float32 ONNX model (weights, activations, cache and outputs in float16; position
// arithmetic in float32; endorm's scoring head reduces in float32): for GPU tests and benches. Build first (npm run build).
//
//   node scripts/to-fp16.mjs MODEL_DIR            writes MODEL_DIR/onnx/model_fp16.onnx (what --dtype fp16 loads)
//   node scripts/to-fp16.mjs IN.onnx OUT.onnx
//
// The source's weights must be inline (random-llama exports are); the twin is written inline too (half the size).
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from '../dist/onnx/onnx-proto.js';
import { float16Twin } from '../dist/onnx/float16-twin.js';

const [a, b] = process.argv.slice(2);
if (!a) {
  console.error('usage: node scripts/to-fp16.mjs MODEL_DIR | IN.onnx OUT.onnx');
  process.exit(2);
}
const [source, target] = b ? [a, b] : [path.join(a, 'onnx', 'model.onnx'), path.join(a, 'onnx', 'model_fp16.onnx')];
const started = performance.now();
const model = onnx.ModelProto.decode(fs.readFileSync(source));
const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(float16Twin(model))).finish();
const tmp = `${target}.tmp-${process.pid}`;
fs.writeFileSync(tmp, bytes);
fs.renameSync(tmp, target);
console.log(`fp16: ${target} (${(bytes.length / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
