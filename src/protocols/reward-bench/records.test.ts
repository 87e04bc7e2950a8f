import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, jsonl, tempDir, type TempDir } from '../../testing/dataset-fixtures.js';
import { InputError, type RecordLocation } from '../../datasets/input-error.js';
import { readJsonlRecords } from '../../datasets/jsonl-reader.js';
import { isRewardBenchRecord, rewardBenchPairs, rewardBenchRecordToPair } from './records.js';

const AT: RecordLocation = { file: 'rb.parquet', line: 7, unit: 'record' };

function record(id: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { prompt: 'How do I sort a list?', chosen: 'Use sorted(xs).\n', rejected: ' No idea.', subset: 'hep-python', id, ...extra };
}

function rejects(value: unknown, message: string): void {
  assert.throws(
    () => rewardBenchRecordToPair({ value, location: AT }),
    (error: unknown) => error instanceof InputError && error.code === 'invalid-record' && error.message === message,
  );
}

describe('RewardBench records', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('are recognised by their four fields and a RewardBench subset', () => {
    assert.ok(isRewardBenchRecord(record(1)));
    assert.ok(isRewardBenchRecord({ prompt: 1, chosen: 2, rejected: 3, subset: 'math-prm' }));
    assert.ok(!isRewardBenchRecord(record(1, { subset: 'shp' })));
    assert.ok(!isRewardBenchRecord(record(1, { subset: 4 })));
    const { subset: _subset, ...withoutSubset } = record(1);
    assert.ok(!isRewardBenchRecord(withoutSubset));
    assert.ok(!isRewardBenchRecord([record(1)]));
    assert.ok(!isRewardBenchRecord(null));
    assert.ok(!isRewardBenchRecord('prompt chosen rejected subset'));
  });

  it('become one-against-one pairs grouped by subset, text kept byte for byte', () => {
    const pair = rewardBenchRecordToPair({ value: record(3021), location: AT });
    assert.deepEqual(pair, {
      key: '3021',
      id: '3021',
      group: 'hep-python',
      prompt: 'How do I sort a list?',
      chosen: ['Use sorted(xs).\n'],
      rejected: [' No idea.'],
      source: { file: 'rb.parquet', line: 7, unit: 'record' },
    });
    assert.equal(rewardBenchRecordToPair({ value: record('mt-17'), location: AT }).id, 'mt-17');
  });

  it('name the file, record and field of what is wrong', () => {
    rejects(record(undefined), 'rb.parquet: record 7: field "id": missing');
    rejects(record(null), 'rb.parquet: record 7: field "id": missing');
    rejects(record(1, { subset: undefined }), 'rb.parquet: record 7: field "subset": missing');
    rejects(record(1, { chosen: ['a'] }), 'rb.parquet: record 7: field "chosen": expected a non-empty string, found a list of 1');
    rejects(record(1, { rejected: '  ' }), 'rb.parquet: record 7: field "rejected": expected a non-empty string, found only whitespace');
    rejects(record(1, { prompt: 42 }), 'rb.parquet: record 7: field "prompt": expected a string or a list of {role, content} messages, found a number');
    rejects([record(1)], 'rb.parquet: record 7: expected a JSON object, found a list of 1');
  });

  it('stream from any reader, passing on broken lines and flagging a repeated id', async () => {
    const file = await tmp.write({ 'rb.jsonl': jsonl([record(1), record(2, { subset: 'donotanswer' })]) + '{oops\n' + jsonl([record(1)]) });
    const items = await collect(rewardBenchPairs(readJsonlRecords(file, 'rb.jsonl')));
    assert.deepEqual(
      items.map((item) => (item instanceof InputError ? `${item.code} at line ${item.line}` : `${item.group}/${item.id}`)),
      ['hep-python/1', 'donotanswer/2', 'malformed-json at line 3', 'invalid-record at line 4'],
    );
    assert.equal((items[3] as InputError).message, 'rb.jsonl:4: field "id": duplicate id "1"');
  });
});
