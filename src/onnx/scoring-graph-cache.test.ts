import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ScoringSession } from '../engine/scoring-session.js';
import { STORIES, TINY_LLAMA3, tempCacheDir } from '../testing/shared-models.js';
import { addSoftCapping, quantizeHead, toExternalData, writeModelVariant } from '../testing/model-variants.js';
import { buildScoringGraph } from './build-scoring-graph.js';
import { onnx, type ModelProto } from './onnx-proto.js';
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

/** Models and whether their weights are inline (so that the cache writes them into its own data file). */
const MODELS: Array<[string, () => string | Promise<string>, boolean]> = [
  ['stories260K', () => STORIES, true],
  ['tiny-llama3', () => TINY_LLAMA3, true],
  ['external data (model.onnx_data)', () => writeModelVariant(TINY_LLAMA3, toExternalData), false],
  ['a q8 head', () => writeModelVariant(TINY_LLAMA3, quantizeHead), true],
  ['a soft-capped head', () => writeModelVariant(TINY_LLAMA3, addSoftCapping(0.5)), true],
];

for (const [name, modelDir, inline] of MODELS) {
  test(`streamed preparation writes the in-memory rewrite of ${name}, weights and all, and scores the same`, async () => {
    const dir = await modelDir();
    const source = path.join(dir, 'onnx', 'model.onnx');
    const graphPath = await prepareScoringGraph(source, tempCacheDir());

    // The reference: the whole model decoded in memory and rewritten, weights inline (the preparation before streaming).
    const reference = onnx.ModelProto.encode(buildScoringGraph(onnx.ModelProto.decode(fs.readFileSync(source)))).finish();
    const cached = onnx.ModelProto.decode(fs.readFileSync(graphPath));
    const dataPath = `${graphPath}${ENDORM_DATA_SUFFIX}`;
    assert.equal(fs.existsSync(dataPath), inline);
    const data = inline ? fs.readFileSync(dataPath) : Buffer.alloc(0);
    let moved = 0;
    for (const t of cached.graph!.initializer!) {
      const entry = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
      if (entry.location !== path.basename(graphPath) + ENDORM_DATA_SUFFIX) continue;
      t.rawData = data.subarray(Number(entry.offset), Number(entry.offset) + Number(entry.length));
      t.externalData = [];
      delete (t as { dataLocation?: number }).dataLocation;
      moved++;
    }
    assert.ok(inline ? moved > 5 : moved === 0, `${moved} initializers in the data file`);
    assert.ok(Buffer.from(onnx.ModelProto.encode(cached).finish()).equals(Buffer.from(reference)), 'the graphs differ');

    // Beside the source, so that a reference with external data finds its model.onnx_data.
    const referencePath = path.join(dir, 'onnx', `reference-${process.pid}.onnx`);
    fs.writeFileSync(referencePath, reference);
    try {
      const ids = [1, 403, 407, 261, 378, 300, 301, 45, 99, 120];
      const positions = ids.map((_, i) => i);
      const requests = [{ ids, positions, targets: positions.map((p) => ids[(p + 1) % ids.length]) }];
      const scores = async (graph: string) => {
        const session = await ScoringSession.create(graph, { alphas: [1, 0.5], vocabSize: 512, threads: 1 });
        try {
          return (await session.run(requests)).results;
        } finally {
          await session.release();
        }
      };
      const [fromCache, fromReference] = [await scores(graphPath), await scores(referencePath)];
      assert.ok(fromCache[0].logits.every(Number.isFinite));
      assert.deepEqual(fromCache, fromReference);
    } finally {
      fs.rmSync(referencePath, { force: true });
    }
  });
}

test('a model with external data keeps them in its own file, hard-linked into the cache', async () => {
  const dir = await writeModelVariant(TINY_LLAMA3, toExternalData);
  const graphPath = await prepareScoringGraph(path.join(dir, 'onnx', 'model.onnx'), tempCacheDir());
  const linked = path.join(path.dirname(graphPath), 'model.onnx_data');
  assert.equal(fs.statSync(linked).ino, fs.statSync(path.join(dir, 'onnx', 'model.onnx_data')).ino);
  assert.equal(fs.existsSync(`${graphPath}${ENDORM_DATA_SUFFIX}`), false, 'nothing was inline');
});

test('a model replaced by one of the same size with its mtime kept (cp -p, rename over) gets its own graph, with its own weights', async () => {
  const cache = tempCacheDir();
  const original = await writeModelVariant(TINY_LLAMA3, () => undefined);
  // The same graph with every float weight doubled: the same size to the byte, other scores.
  const doubled = await writeModelVariant(TINY_LLAMA3, scaleWeights(2));
  const tripled = await writeModelVariant(TINY_LLAMA3, scaleWeights(3));
  const source = path.join(original, 'onnx', 'model.onnx');
  const weights = async (graph: string) => fs.readFileSync(`${graph}${ENDORM_DATA_SUFFIX}`);
  const fresh = async (dir: string) => weights(await prepareScoringGraph(path.join(dir, 'onnx', 'model.onnx'), tempCacheDir()));

  const first = await prepareScoringGraph(source, cache);
  const stamp = fs.statSync(source, { bigint: true });
  assert.equal(fs.statSync(path.join(doubled, 'onnx', 'model.onnx')).size, Number(stamp.size));

  // cp -p over it: inode, size and mtime (to the nanosecond) kept.
  execFileSync('touch', ['-r', source, path.join(doubled, 'onnx', 'model.onnx')]);
  execFileSync('cp', ['-p', path.join(doubled, 'onnx', 'model.onnx'), source]);
  const copied = fs.statSync(source, { bigint: true });
  assert.deepEqual([copied.ino, copied.size, copied.mtimeNs], [stamp.ino, stamp.size, stamp.mtimeNs]);
  const second = await prepareScoringGraph(source, cache);
  assert.notEqual(second, first);
  assert.ok((await weights(second)).equals(await fresh(doubled)), 'the graph holds the new weights');
  assert.ok(!(await weights(second)).equals(await weights(first)));

  // Renamed over it, mtime kept: a new inode.
  const next = path.join(original, 'onnx', 'next.onnx');
  fs.copyFileSync(path.join(tripled, 'onnx', 'model.onnx'), next);
  execFileSync('touch', ['-r', source, next]);
  fs.renameSync(next, source);
  const third = await prepareScoringGraph(source, cache);
  assert.ok(![first, second].includes(third));
  assert.ok((await weights(third)).equals(await fresh(tripled)));

  // Unchanged since: the cached graph is the answer.
  assert.equal(await prepareScoringGraph(source, cache), third);
});

/** Multiplies every float32 initializer held as raw bytes by `factor`, leaving every size as it was. */
function scaleWeights(factor: number) {
  return (model: ModelProto): void => {
    for (const t of model.graph!.initializer!) {
      if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.rawData || t.rawData.length < 1024) continue;
      const copy = Buffer.from(t.rawData);
      for (let i = 0; i + 4 <= copy.length; i += 4) copy.writeFloatLE(copy.readFloatLE(i) * factor, i);
      t.rawData = copy;
    }
  };
}
