import { createHash } from 'node:crypto';
import fs, { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import type { Readable } from 'node:stream';
import tty from 'node:tty';
import { promisify } from 'node:util';
import { fileError, InputError } from './input-error.js';

/** The bytes of a dataset, from a file or from a stream, as the readers take them. */
export interface ByteSource {
  /** As the user wrote it, for messages. */
  readonly displayName: string;
  /** A regular file's path, for readers that need to seek (Parquet keeps its index at the end); absent for a stream. */
  readonly path?: string;
  /** The bytes from the start: a file is read afresh on every call, a stream only once. */
  chunks(): AsyncIterable<Buffer>;
}

const CHUNK_BYTES = 1 << 20;

/** A regular file, re-read on every call. */
export function fileSource(path: string, displayName: string = path): ByteSource {
  return {
    displayName,
    path,
    chunks: () => fileChunks(path, displayName),
  };
}

async function* fileChunks(path: string, displayName: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw fileError(displayName, error);
  } finally {
    stream.destroy();
  }
}

/** The reader's own spelling of a path: a string names a file. */
export function asSource(source: string | ByteSource, displayName?: string): ByteSource {
  return typeof source === 'string' ? fileSource(source, displayName ?? source) : source;
}

/** `-` is stdin; anything that is neither a regular file nor a folder (a FIFO, `<(…)`, a terminal) is read as a stream. */
export async function isStreamInput(spec: string): Promise<boolean> {
  if (spec === '-') return true;
  try {
    const stats = await stat(spec);
    return !stats.isFile() && !stats.isDirectory();
  } catch {
    return false;
  }
}

/**
 * A stream read exactly once. What the format detection reads ahead (`peek()`) is kept and replayed by `chunks()`, so
 * nothing is read twice and nothing is lost; the sha256 is taken as bytes arrive and is known once the stream ended.
 */
export class StreamSource implements ByteSource {
  private readonly iterator: AsyncIterator<Buffer>;
  private readonly peeked: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private taken = false;
  private ended = false;
  private hex: string | undefined;

  constructor(
    readonly displayName: string,
    private readonly stream: Readable,
  ) {
    this.iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    this.holdProcess(false);
  }

  /**
   * A pipe read ahead of its reader would keep the process alive until the writer stops (a run that failed would wait
   * for its producer): the stream holds the process only while a read waits on it.
   */
  private holdProcess(hold: boolean): void {
    const handle = this.stream as Partial<{ ref(): unknown; unref(): unknown }>;
    if (hold) handle.ref?.();
    else handle.unref?.();
  }

  /** Hex sha256 of every byte, once the stream has been read to its end; undefined before. */
  get sha256(): string | undefined {
    return this.hex;
  }

  /** A view of the same bytes for looking ahead: what it reads is kept for `chunks()`. */
  peek(): ByteSource {
    return { displayName: this.displayName, chunks: () => this.peekChunks() };
  }

  async *chunks(): AsyncGenerator<Buffer> {
    if (this.taken) {
      throw new InputError({ code: 'unreadable', file: this.displayName, reason: 'is a stream (stdin, a pipe or a FIFO) and can be read only once' });
    }
    this.taken = true;
    try {
      while (this.peeked.length > 0) yield this.peeked.shift()!;
      for (let chunk = await this.pull(); chunk !== undefined; chunk = await this.pull()) yield chunk;
    } finally {
      // A reader that stops early (--limit) lets the writer go instead of leaving it blocked on a full pipe.
      if (!this.ended) this.stream.destroy();
    }
  }

  private async *peekChunks(): AsyncGenerator<Buffer> {
    if (this.taken) throw new Error('a stream cannot be peeked at once it is being read');
    for (let i = 0; ; i++) {
      if (i < this.peeked.length) {
        yield this.peeked[i]!;
        continue;
      }
      const chunk = await this.pull();
      if (chunk === undefined) return;
      this.peeked.push(chunk);
      yield chunk;
    }
  }

  private async pull(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    let next: IteratorResult<Buffer>;
    this.holdProcess(true);
    try {
      next = await this.iterator.next();
    } catch (error) {
      throw fileError(this.displayName, error);
    } finally {
      this.holdProcess(false);
    }
    if (next.done) {
      this.ended = true;
      this.hex = this.hash.digest('hex');
      return undefined;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    this.hash.update(chunk);
    return chunk;
  }
}

const openFd = promisify(fs.open);

/** `-`, `/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N`: the descriptor itself, since a socket behind it cannot be reopened. */
export function inheritedFd(spec: string): number | undefined {
  if (spec === '-' || spec === '/dev/stdin') return 0;
  const match = /^\/(?:dev|proc\/self)\/fd\/(\d+)$/.exec(spec);
  return match ? Number(match[1]) : undefined;
}

/**
 * Opens a stream input without ever blocking a thread: a FIFO is opened non-blocking (a blocking open would wait in
 * the thread pool for a writer, where no signal reaches it) and read through the event loop, so SIGINT and SIGTERM
 * still stop the run while it waits. `signal` aborts a read in progress with its reason.
 */
export async function openStreamSource(spec: string, options: { stdin?: Readable; signal?: AbortSignal } = {}): Promise<StreamSource> {
  const displayName = spec === '-' ? 'stdin' : spec;
  options.signal?.throwIfAborted();
  let stream: Readable;
  if (spec === '-' && options.stdin !== undefined) {
    stream = options.stdin;
  } else {
    let fd = inheritedFd(spec);
    if (fd === undefined) {
      try {
        fd = await openFd(spec, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      } catch (error) {
        throw fileError(displayName, error);
      }
    }
    stream = streamOfFd(fd, displayName);
  }
  const signal = options.signal;
  if (signal !== undefined) {
    const abort = () => stream.destroy(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', abort));
  }
  return new StreamSource(displayName, stream);
}

function streamOfFd(fd: number, displayName: string): Readable {
  let stats: fs.Stats;
  try {
    stats = fs.fstatSync(fd);
  } catch (error) {
    throw fileError(displayName, error);
  }
  if (stats.isFIFO() || stats.isSocket()) return new net.Socket({ fd, readable: true, writable: false });
  if (tty.isatty(fd)) return new tty.ReadStream(fd);
  return createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
}
