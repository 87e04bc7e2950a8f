import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, CSV_MULTILINE, tempDir, TSV_PAIRS, type TempDir } from '../testing/dataset-fixtures.js';
import { readDelimitedRecords } from './delimited-reader.js';
import { InputError } from './input-error.js';
import type { RawRecord } from './raw-record.js';

describe('readDelimitedRecords', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp.remove());

  it('reads a quoted field over several lines and keeps line numbers right after it', async () => {
    const file = await tmp.write({ 'multi.csv': CSV_MULTILINE });
    const items = (await collect(readDelimitedRecords(file, ',', 'multi.csv'))) as RawRecord[];
    assert.deepEqual(
      items.map((r) => [r.location.line, r.value]),
      [
        [2, { id: 'one', prompt: 'Write a poem.', chosen: 'Roses are red,\nviolets are blue,\nI said "hi" to you.', rejected: 'Roses.', topic: 'poetry' }],
        [5, { id: 'two', prompt: 'Add 1 and 1.', chosen: '2', rejected: '3', topic: 'maths' }],
      ],
    );
  });

  it('reads TSV, with CRLF line ends and a BOM', async () => {
    const file = await tmp.write({ 'p.tsv': '\ufeff' + TSV_PAIRS.replace(/\n/g, '\r\n') });
    const items = (await collect(readDelimitedRecords(file, '\t'))) as RawRecord[];
    assert.deepEqual(
      items.map((r) => [r.location.line, r.value]),
      [
        [2, { prompt: 'Greet me.', chosen: 'Hello!', rejected: 'Go away.', system: 'Be kind.' }],
        [3, { prompt: 'Count to two.', chosen: '1, 2', rejected: '2, 1', system: '' }],
      ],
    );
  });

  it('keeps a CRLF inside a quoted field as CRLF (and an LF as LF), whatever the rows end with', async () => {
    // Rows end in CRLF; inside the first quoted field a CRLF and a bare LF, in the second a CRLF across a batch of rows.
    const rows = ['id,prompt,chosen,rejected', 'a,"two\r\nlines","one\nline\r\nand more",r', ...Array.from({ length: 3000 }, (_, i) => `x${i},p,c,r`), 'b,p,"last\r\nrow",r'];
    const file = await tmp.write({ 'crlf.csv': rows.join('\r\n') + '\r\n' });
    const items = (await collect(readDelimitedRecords(file, ','))) as RawRecord[];
    const first = items[0]!.value as Record<string, string>;
    assert.deepEqual([first.prompt, first.chosen, first.rejected], ['two\r\nlines', 'one\nline\r\nand more', 'r']);
    const last = items[items.length - 1]!;
    assert.deepEqual([items[0]!.location.line, items[1]!.location.line, last.location.line, (last.value as Record<string, string>).chosen], [2, 6, 3006, 'last\r\nrow']);
    assert.ok(items.every((r) => !Object.values(r.value as Record<string, string>).some((v) => v.endsWith('\r'))), 'no row end leaks a CR');
  });

  it('reports rows with the wrong number of fields, an unclosed quote and invalid UTF-8, each at its line', async () => {
    const file = await tmp.write({
      'bad.csv': Buffer.concat([
        Buffer.from('prompt,chosen,rejected\n\na,b,c\na,b\n"x,'),
        Buffer.from([0x80]),
        Buffer.from('\nstill x",y,z\nok,ok,ok\n"never closed,b,c\nmore\n'),
      ]),
    });
    const items = await collect(readDelimitedRecords(file, ',', 'bad.csv'));
    const summary = items.map((i) => (i instanceof InputError ? i.message : `${i.location.line}: ok`));
    assert.deepEqual(summary, [
      '3: ok',
      'bad.csv:4: expected 3 fields as in the header, found 2',
      'bad.csv:5: invalid UTF-8',
      '7: ok',
      'bad.csv:8: quoted field never closed',
    ]);
  });

  it('refuses a header that names a column twice', async () => {
    const file = await tmp.write({ 'dup.csv': 'prompt,chosen,chosen\na,b,c\n' });
    await assert.rejects(collect(readDelimitedRecords(file, ',', 'dup.csv')), /dup\.csv:1: header names column "chosen" twice/);
  });

  it('streams big files in batches without losing or misnumbering rows, including fields that straddle batches', async () => {
    const lines = ['prompt,chosen,rejected'];
    const expected: [number, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const chosen = i % 7 === 0 ? `"multi\nline ${i}\n${'z'.repeat(i % 50)}"` : `plain ${i}`;
      expected.push([lines.length + 1, chosen.startsWith('"') ? chosen.slice(1, -1) : chosen]);
      lines.push(`p${i},${chosen},r${i}`);
    }
    const file = await tmp.write({ 'big.csv': lines.join('\n') + '\n' });
    const items = (await collect(readDelimitedRecords(file, ','))) as RawRecord[];
    assert.equal(items.length, 3000);
    assert.deepEqual(
      items.map((r) => [r.location.line, (r.value as { chosen: string }).chosen]),
      expected.map(([, chosen], i) => {
        // each row before this one added 1 line, plus 2 more for every multi-line row
        const multiBefore = Math.ceil(i / 7);
        return [2 + i + 2 * multiBefore, chosen];
      }),
    );
  });
});
