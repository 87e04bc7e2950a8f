import { crc32 } from 'node:zlib';
import type { TokenTrace } from '../engine/token-trace.js';

/** The two files a run folder keeps traces in: raw numbers, and one JSON line per response saying where they are. */
export const TRACE_FILES = {
  data: 'traces.bin',
  index: 'traces.index.jsonl',
} as const;

export const TRACE_FORMAT = 'endorm-token-traces';
/** 2 adds each entry's checksum (`crc32`); version-1 indexes, without it, are still read (checked by length only). */
export const TRACE_FORMAT_VERSION = 2;
export const TRACE_FORMAT_VERSIONS_READ: readonly number[] = [1, 2];

/** The first line of a new index: what a reader (or a person with a hex editor) needs to decode traces.bin. */
export const TRACE_INDEX_HEADER = {
  format: TRACE_FORMAT,
  version: TRACE_FORMAT_VERSION,
  data: TRACE_FILES.data,
  byteOrder: 'little',
  layout: 'per entry at its offset: int32 tokens[T], float32 logits[T], float32 logSumExp[(T+1)*A] (row h = state s_{h+1}, column k = alphas[k])',
  checksum: 'crc32: CRC-32 (ISO-HDLC, as zlib and gzip compute it) of the entry\'s bytes',
} as const;

/** Which response a trace belongs to: the same identity as a scores.jsonl response line. */
export interface TraceKey {
  pair: string;
  role: 'chosen' | 'rejected';
  index: number;
}

/** One line of traces.index.jsonl after the header. */
export interface TraceIndexEntry extends TraceKey {
  /** Byte offset of the entry in traces.bin. */
  offset: number;
  /** Its length in bytes: 4·(2T + (T+1)·A). */
  bytes: number;
  /** T, the scored response tokens. */
  tokens: number;
  alphas: number[];
  /** traceChecksum of its bytes (format version 2; absent in version-1 indexes). */
  crc32?: number;
}

/**
 * The checksum each entry carries: CRC-32 from Node's zlib (native and SIMD-accelerated, no dependency, in Node
 * since 20.15). It is there to catch accidents (a torn or failed write, a flipped or overwritten block, an index
 * pointing at other bytes), which a 32-bit CRC misses with probability 2^-32; it is not meant to resist tampering.
 */
export function traceChecksum(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

export function traceKey(k: TraceKey): string {
  return `${k.pair}\u0000${k.role}\u0000${k.index}`;
}

export function traceBytes(tokens: number, alphaCount: number): number {
  return 4 * (2 * tokens + (tokens + 1) * alphaCount);
}

// Typed arrays are written as they lie in memory; the format says little-endian, which every platform Node ships on is.
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('endorm token traces need a little-endian machine');

/** The bytes of one trace, laid out as TRACE_INDEX_HEADER.layout says. */
export function encodeTrace(trace: TokenTrace): Uint8Array {
  const T = trace.tokens.length;
  const A = trace.alphas.length;
  if (trace.logits.length !== T) throw new RangeError(`trace has ${trace.logits.length} logits for ${T} tokens`);
  if (trace.logSumExp.length !== (T + 1) * A) throw new RangeError(`trace has ${trace.logSumExp.length} logsumexp values, expected ${(T + 1) * A}`);
  const out = new Uint8Array(traceBytes(T, A));
  out.set(new Uint8Array(trace.tokens.buffer, trace.tokens.byteOffset, 4 * T), 0);
  out.set(new Uint8Array(trace.logits.buffer, trace.logits.byteOffset, 4 * T), 4 * T);
  out.set(new Uint8Array(trace.logSumExp.buffer, trace.logSumExp.byteOffset, 4 * (T + 1) * A), 8 * T);
  return out;
}

/** The inverse of encodeTrace; copies, so the result does not pin (or depend on the alignment of) the read buffer. */
export function decodeTrace(bytes: Uint8Array, tokens: number, alphas: number[]): TokenTrace {
  const T = tokens;
  const A = alphas.length;
  const expected = traceBytes(T, A);
  if (bytes.length !== expected) throw new RangeError(`trace entry has ${bytes.length} bytes, expected ${expected}`);
  const copy = bytes.slice();
  return {
    tokens: new Int32Array(copy.buffer, 0, T),
    logits: new Float32Array(copy.buffer, 4 * T, T),
    logSumExp: new Float32Array(copy.buffer, 8 * T, (T + 1) * A),
    alphas: [...alphas],
  };
}
