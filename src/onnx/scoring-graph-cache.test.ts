import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TINY_LLAMA3, tempCacheDir } from '../testing/shared-models.js';
import { onnx } from './onnx-proto.js';
import { ENDORM_DATA_SUFFIX, prepareScoringGraph } from './scoring-graph-cache.js';

test('the cached graph keeps its weights in an aligned external data file (memory-mapped by onnxruntime)', async () => {
  const graphPath = await prepareScoringGraph(path.join(TINY_LLAMA3, 'onnx', 'model.onnx'), tempCacheDir());
  const dataPath = `${graphPath}${ENDORM_DATA_SUFFIX}`;
  assert.ok(fs.existsSync(dataPath));
  const model = onnx.ModelProto.decode(fs.readFileSync(graphPath));
  const external = model.graph!.initializer!.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  assert.ok(external.length > 0);
  const dataSize = fs.statSync(dataPath).size;
  for (const t of external) {
    const entry = Object.fromEntries(t.externalData!.map((e) => [e.key, e.value]));
    assert.equal(entry.location, path.basename(dataPath));
    assert.equal(Number(entry.offset) % 65536, 0, `${t.name} at ${entry.offset}`);
    assert.ok(Number(entry.offset) + Number(entry.length) <= dataSize);
  }
  for (const t of model.graph!.initializer!) {
    assert.ok(!t.rawData || t.rawData.length < 1024, `${t.name} left inline with ${t.rawData?.length} bytes`);
  }
  assert.ok(fs.statSync(graphPath).size < 200_000, 'the graph file holds structure, not weights');
});
