import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { STORIES, TINY_LLAMA3 } from '../testing/shared-models.js';
import { quantizeHead, writeModelVariant } from '../testing/model-variants.js';
import { onnx } from './onnx-proto.js';
import { scanOnnxFile } from './onnx-wire-scan.js';

const MODELS = [
  ['stories260K', path.join(STORIES, 'onnx', 'model.onnx')],
  ['tiny-llama3', path.join(TINY_LLAMA3, 'onnx', 'model.onnx')],
  ['tiny-llama3 with a q8 head', path.join(await writeModelVariant(TINY_LLAMA3, quantizeHead), 'onnx', 'model.onnx')],
] as const;

for (const [name, file] of MODELS) {
  test(`the skeleton of ${name} is the model less the large raw_data, which lies at the reported ranges`, async () => {
    const bytes = fs.readFileSync(file);
    const full = onnx.ModelProto.decode(bytes);
    const { skeleton, moved } = await scanOnnxFile(file, 1024);
    const large = full.graph!.initializer!.flatMap((t, i) => (t.rawData && t.rawData.length >= 1024 ? [i] : []));
    assert.ok(large.length > 5, `${large.length} large initializers`);
    assert.deepEqual(
      moved.map((m) => m.initializer),
      large,
    );
    assert.ok(skeleton.length < 200_000, `skeleton of ${skeleton.length} bytes`);

    const rebuilt = onnx.ModelProto.decode(skeleton);
    for (const m of moved) {
      const t = rebuilt.graph!.initializer![m.initializer];
      const original = full.graph!.initializer![m.initializer].rawData!;
      assert.equal(t.rawData?.length ?? 0, 0, `${t.name} kept its raw_data`);
      assert.ok(bytes.subarray(m.offset, m.offset + m.length).equals(original), `${t.name}: bytes at the range differ`);
      t.rawData = original;
    }
    // With the bytes put back, the skeleton encodes exactly as the whole file decoded and encoded again.
    assert.ok(Buffer.from(onnx.ModelProto.encode(rebuilt).finish()).equals(Buffer.from(onnx.ModelProto.encode(full).finish())));
  });
}

test('a cut ONNX file is refused with where it ends, whatever the cut', async () => {
  const bytes = fs.readFileSync(path.join(STORIES, 'onnx', 'model.onnx'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-scan-'));
  for (const keep of [0.999, 0.5, 0.1]) {
    const cut = path.join(dir, `cut-${keep}.onnx`);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
    await assert.rejects(scanOnnxFile(cut, 1024), /runs to byte \d+, past its end at byte \d+|unterminated varint/);
  }
});

test('a file that is not protobuf is refused as not an ONNX model', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-scan-')), 'model.onnx');
  fs.writeFileSync(file, 'not a model\n'.repeat(100));
  await assert.rejects(scanOnnxFile(file, 1024), /not an ONNX model: wire type 6 of field 13 at byte 0 of the model/);
});
