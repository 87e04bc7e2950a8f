import fs from 'node:fs/promises';
import path from 'node:path';
import { decodeUtf8, readLines } from '../datasets/line-reader.js';
import { writeFault } from '../util/cannot-write-error.js';
import { RESUME_ADVICE } from './run-files.js';
import { RunFolderError } from './run-folder-error.js';
import { TRACE_FILES, TRACE_FORMAT, TRACE_FORMAT_VERSIONS_READ, traceKey, type TraceIndexEntry } from './trace-format.js';
import { entryBytesProblem, entryProblem, hasTraces, isHeader, TraceReader } from './trace-reader.js';

export interface TraceRepair {
  /** traceKey of every response whose latest trace entry verified and was kept. */
  traced: Set<string>;
  /** traceKey of every response with an entry that was cut off: its score line no longer counts as done. */
  dropped: Set<string>;
  /** What was cut, for the run's notes (none when the files were whole). */
  notes: string[];
}

/**
 * Before a resumed run appends to them, cuts traces.index.jsonl and traces.bin back to the last entry that verifies
 * (its line is whole, its bytes are in traces.bin and match their length and crc32), and removes bytes after the
 * last kept entry. Everything after the first entry that fails goes, good or not, so that the files stay one
 * verified prefix; the responses whose entries went are returned to be scored again. Null when the folder has no traces.
 */
export async function repairTraces(dir: string): Promise<TraceRepair | null> {
  if (!(await hasTraces(dir))) return null;
  const indexFile = path.join(dir, TRACE_FILES.index);
  const dataFile = path.join(dir, TRACE_FILES.data);
  const dataSize = await fs.stat(dataFile).then(
    (s) => s.size,
    () => 0,
  );
  const repair: TraceRepair = { traced: new Set(), dropped: new Set(), notes: [] };
  let keepIndex = 0;
  let keepData = 0;
  let header = false;
  let failure: { line: number; what: string } | undefined;
  let kept = 0;
  const reader = dataSize > 0 ? await TraceReader.open(dir) : undefined;
  try {
    for await (const raw of readLines(indexFile)) {
      const text = decodeUtf8(raw.bytes);
      if (failure) {
        // Past the cut: only which responses it drops matters.
        const entry = text === undefined ? undefined : parseEntry(text);
        if (entry) repair.dropped.add(traceKey(entry));
        continue;
      }
      if (raw.terminated && text !== undefined && text.trim() === '') {
        keepIndex = raw.end;
        continue;
      }
      const problem = lineProblem(text, raw.terminated, header, indexFile);
      if (problem === 'header') {
        header = true;
        keepIndex = raw.end;
        continue;
      }
      if (typeof problem === 'string') {
        failure = { line: raw.line, what: problem };
        const entry = text === undefined ? undefined : parseEntry(text);
        if (entry) repair.dropped.add(traceKey(entry));
        continue;
      }
      const entry = problem.entry;
      const bytesProblem = entryBytesProblem(entry, reader ? await reader.bytes(entry) : undefined);
      if (bytesProblem) {
        failure = { line: raw.line, what: `the trace of ${entry.pair} ${entry.role}[${entry.index}] ${bytesProblem}` };
        repair.dropped.add(traceKey(entry));
        continue;
      }
      repair.traced.add(traceKey(entry));
      kept++;
      keepIndex = raw.end;
      keepData = Math.max(keepData, entry.offset + entry.bytes);
    }
  } finally {
    await reader?.close();
  }
  for (const key of repair.dropped) repair.traced.delete(key);
  const indexSize = (await fs.stat(indexFile)).size;
  if (keepIndex < indexSize) {
    repair.notes.push(
      `Resumed: ${TRACE_FILES.index} line ${failure!.line}: ${failure!.what}; the traces were cut back to their last entry that verifies ` +
        `(${kept} kept, ${repair.dropped.size} response(s) dropped), and the dropped responses were scored again.`,
    );
  }
  if (keepData < dataSize) {
    repair.notes.push(`Resumed: ${dataSize - keepData} byte(s) at the end of ${TRACE_FILES.data} belonged to no kept entry (a write cut short) and were removed.`);
  }
  try {
    if (keepIndex < indexSize) await truncateSynced(indexFile, keepIndex);
    if (keepData < dataSize) await truncateSynced(dataFile, keepData);
  } catch (err) {
    throw writeFault(err, dir, RESUME_ADVICE);
  }
  return repair;
}

/** 'header' for the header line, the entry for an entry line, or why the line fails. */
function lineProblem(text: string | undefined, terminated: boolean, afterHeader: boolean, file: string): 'header' | string | { entry: TraceIndexEntry } {
  if (!terminated) return 'the line is incomplete (a write cut short)';
  if (text === undefined) return 'the line is not UTF-8';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the line is not valid JSON';
  }
  if (!afterHeader) {
    if (!isHeader(value) || value.format !== TRACE_FORMAT) return 'the header line is not an endorm trace index header';
    if (!TRACE_FORMAT_VERSIONS_READ.includes(value.version as number)) {
      // A newer endorm's traces: not damage, and not this endorm's to cut.
      throw new RunFolderError(`${file}: field "version": ${String(value.version)} is not one this endorm reads (${TRACE_FORMAT_VERSIONS_READ.join(' or ')})`, file);
    }
    return 'header';
  }
  const problem = entryProblem(value);
  return problem ? `field "${problem.field}": ${problem.reason}` : { entry: value as TraceIndexEntry };
}

function parseEntry(text: string): TraceIndexEntry | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return entryProblem(value) ? undefined : (value as TraceIndexEntry);
  } catch {
    return undefined;
  }
}

async function truncateSynced(file: string, size: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(size);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
