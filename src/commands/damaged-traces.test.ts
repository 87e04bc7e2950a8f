import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { runCliInProcess as endorm } from '../testing/run-cli.js';
import { PROJECT_ROOT, STORIES, tempCacheDir } from '../testing/shared-models.js';
import { EXIT } from '../util/exit-codes.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'endorm-damaged-traces-'));
const dataset = path.join(PROJECT_ROOT, 'datasets', 'stories-sample.jsonl');
const score = (out: string, ...more: string[]) =>
  endorm(['score', '--model', STORIES, '--template', 'none', '--dataset', dataset, '--limit', '12', '--threads', '1', '--batch-size', '4', '--methods', 'endorm,loglik', '--quiet', '--out', out, ...more]);
const indexLines = (run: string) =>
  fs.readFileSync(path.join(run, 'traces.index.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
const scores = (run: string) =>
  new Map(fs.readFileSync(path.join(run, 'scores.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.pair}/${r.role}/${r.index}`, r.scores]));

let clean: string;
before(async () => {
  process.env['ENDORM_CACHE'] = tempCacheDir();
  clean = path.join(tmp, 'clean');
  const done = await score(clean);
  assert.equal(done.code, 0, done.stderr);
});

/** A copy of the clean run (its own traces), to damage. */
function copyOfClean(name: string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(clean, dir, { recursive: true });
  return dir;
}

test('each trace entry carries its length and crc32 (format version 2)', () => {
  const [header, ...entries] = indexLines(clean);
  assert.equal(header.version, 2);
  assert.equal(entries.length, 24);
  for (const e of entries) assert.ok(Number.isInteger(e.crc32) && e.bytes > 0, JSON.stringify(e));
});

test('random bytes in traces.bin: rescore and show refuse the damaged entry with exit 3 naming file, line and response', async () => {
  const run = copyOfClean('random-bytes');
  const entries = indexLines(run).slice(1);
  const victim = entries[7];
  const line = 9; // header, then entries: the 8th entry is line 9
  const handle = fs.openSync(path.join(run, 'traces.bin'), 'r+');
  fs.writeSync(handle, Buffer.from([0x12, 0x34, 0x56, 0x78, 0x9a]), 0, 5, victim.offset + 6);
  fs.closeSync(handle);
  const named = new RegExp(
    `${path.join(run, 'traces.bin')}: the trace of ${victim.pair} ${victim.role}\\[${victim.index}\\] \\(traces\\.index\\.jsonl line ${line}, bytes ${victim.offset}\\.\\.${victim.offset + victim.bytes}\\) fails its checksum \\(crc32\\): the file is damaged`,
  );

  const rescored = await endorm(['rescore', run, '--methods', 'loglik', '--out', path.join(tmp, 'random-bytes-rescored')]);
  assert.equal(rescored.code, EXIT.input, rescored.stderr);
  assert.match(rescored.stderr, named);
  const shown = await endorm(['show', run, '--pair', victim.pair, '--json']);
  assert.equal(shown.code, EXIT.input, shown.stderr);
  assert.match(shown.stderr, named);
  // Another record's traces are whole: show reads them.
  const other = entries.find((e) => e.pair !== victim.pair)!;
  assert.equal((await endorm(['show', run, '--pair', other.pair, '--json'])).code, 0);
});

test('an index that claims bytes past the end of traces.bin is refused the same way', async () => {
  const run = copyOfClean('past-end');
  const last = indexLines(run).at(-1);
  fs.truncateSync(path.join(run, 'traces.bin'), last.offset + 3);
  const rescored = await endorm(['rescore', run, '--methods', 'loglik', '--out', path.join(tmp, 'past-end-rescored')]);
  assert.equal(rescored.code, EXIT.input, rescored.stderr);
  assert.match(rescored.stderr, new RegExp(`the trace of ${last.pair} ${last.role}\\[${last.index}\\] \\(traces\\.index\\.jsonl line 25, bytes ${last.offset}\\.\\.\\d+\\) lies past the end of traces\\.bin`));
  const shown = await endorm(['show', run, '--pair', last.pair]);
  assert.equal(shown.code, EXIT.input, shown.stderr);
});

test('resuming a damaged run cuts the traces back to their last whole entry and rescores the rest: rescore equals the clean run', async () => {
  const run = copyOfClean('resumed');
  const entries = indexLines(run).slice(1);
  const victim = entries[15];
  const handle = fs.openSync(path.join(run, 'traces.bin'), 'r+');
  fs.writeSync(handle, Buffer.alloc(8, 0xff), 0, 8, victim.offset + 2);
  fs.closeSync(handle);
  // And a torn index line at the end, as a kill mid-write leaves it.
  fs.appendFileSync(path.join(run, 'traces.index.jsonl'), '{"pair":"story-0');

  const resumed = await endorm(['score', '--resume', run]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(fs.readFileSync(path.join(run, 'summary.json'), 'utf8'));
  const note = summary.notes.find((n: string) => /traces were cut back/.test(n));
  assert.match(note, new RegExp(`traces\\.index\\.jsonl line 17: the trace of ${victim.pair} ${victim.role}\\[${victim.index}\\] fails its checksum \\(crc32\\); the traces were cut back to their last entry that verifies \\(15 kept, 9 response\\(s\\) dropped\\)`));
  // Every response has one verified trace again (15 kept + the 9 dropped, traced anew).
  assert.equal(indexLines(run).length - 1, 24);
  const again = path.join(tmp, 'resumed-rescored');
  const rescored = await endorm(['rescore', run, '--methods', 'endorm,loglik', '--out', again, '--quiet']);
  assert.equal(rescored.code, 0, rescored.stderr);
  const want = scores(clean);
  const got = scores(again);
  assert.equal(got.size, want.size);
  for (const [key, s] of want) {
    for (const spec of ['endorm', 'loglik']) assert.ok(Math.abs(got.get(key)![spec] - s[spec]) <= 1e-4 * Math.abs(s[spec]), `${key} ${spec}`);
  }
  const cleanSummary = JSON.parse(fs.readFileSync(path.join(clean, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.methods, cleanSummary.methods);
});

test('a version-1 index (no checksums) is still read: rescore gives the same scores', async () => {
  const run = copyOfClean('version-1');
  const [header, ...entries] = indexLines(run);
  fs.writeFileSync(
    path.join(run, 'traces.index.jsonl'),
    [{ ...header, version: 1, checksum: undefined }, ...entries.map(({ crc32: _crc, ...e }) => e)].map((l) => JSON.stringify(l)).join('\n') + '\n',
  );
  const out = path.join(tmp, 'version-1-rescored');
  const rescored = await endorm(['rescore', run, '--methods', 'loglik', '--out', out, '--quiet']);
  assert.equal(rescored.code, 0, rescored.stderr);
  for (const [key, s] of scores(clean)) assert.equal(scores(out).get(key)!.loglik, s.loglik);
});
