import fs from 'node:fs/promises';
import path from 'node:path';
import { bytesText } from '../util/bytes-text.js';
import { TRACE_FILES } from './trace-format.js';
import { hasTraces, readTraceIndex } from './trace-reader.js';

/** What summary.json says about a run's token traces. */
export interface TraceSummary {
  /** Responses with a usable trace. */
  responses: number;
  tokens: number;
  alphas: number[];
  /** Sizes of traces.bin and traces.index.jsonl on disk. */
  dataBytes: number;
  indexBytes: number;
  /** Time the scorer spent writing traces; null when no scorer reported it. */
  writeSeconds: number | null;
}

/** Reads the trace files of a run folder; null when it has none. A damaged index is reported, not thrown. */
export async function summarizeTraces(dir: string, writeSeconds: number | null): Promise<{ traces: TraceSummary | null; notes: string[] }> {
  if (!(await hasTraces(dir))) return { traces: null, notes: [] };
  const size = (name: string) =>
    fs.stat(path.join(dir, name)).then(
      (s) => s.size,
      () => 0,
    );
  let index;
  try {
    index = await readTraceIndex(dir);
  } catch (err) {
    return { traces: null, notes: [`Token traces cannot be read: ${(err as Error).message}`] };
  }
  const entries = [...index.entries.values()];
  const traces: TraceSummary = {
    responses: entries.length,
    tokens: entries.reduce((n, e) => n + e.tokens, 0),
    alphas: index.alphas,
    dataBytes: await size(TRACE_FILES.data),
    indexBytes: await size(TRACE_FILES.index),
    writeSeconds,
  };
  const notes = [traceNote(traces)];
  if (index.tornLine !== null) notes.push(`${TRACE_FILES.index} line ${index.tornLine} is incomplete (the run stopped mid-write) and was ignored.`);
  if (index.missingData > 0) notes.push(`${index.missingData} trace(s) point past the end of ${TRACE_FILES.data} (the file was cut short) and were ignored.`);
  return { traces, notes };
}

export function traceNote(t: TraceSummary): string {
  const written = t.writeSeconds !== null ? `, written in ${t.writeSeconds.toFixed(2)} s` : '';
  return (
    `Token traces: ${t.responses} responses, ${t.tokens} tokens, α = ${t.alphas.join(', ')}; ` +
    `${bytesText(t.dataBytes)} in ${TRACE_FILES.data} + ${bytesText(t.indexBytes)} index${written}. ` +
    '`endorm rescore` recomputes any γ, terminal, shaping, normalisation and traced α from them without the model.'
  );
}
