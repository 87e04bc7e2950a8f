import fs from 'node:fs/promises';

/*
 * Why walk the protobuf wire format by hand: protobufjs (like every protobuf library for Node) decodes a message from
 * one buffer, so decoding an ONNX file with inline weights means holding the whole file, then the decoded tensors,
 * then the re-encoded graph: 2.7 GB of RSS for a 1.3 GB model, and more than the machine has for a 7B one. The walk
 * below reads only the tags and lengths on the path model → graph → initializer → raw_data, so the weights stay on
 * disk and everything else (nodes, names, shapes, small tensors) is handed to protobufjs as a small "skeleton".
 */

/** Field numbers from onnx.proto on the path to the weights. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Bytes read per disk read while walking tags; fields larger than this are read in one piece. */
const WINDOW_BYTES = 1 << 20;

/** Where one initializer's raw_data lies in the source file. */
export interface RawDataRange {
  /** Position of the tensor in graph.initializer. */
  initializer: number;
  offset: number;
  length: number;
}

export interface ScannedModel {
  /** The ModelProto's bytes without the raw_data of the initializers in `moved`: decodes like the file, less those bytes. */
  skeleton: Uint8Array;
  /** The initializers whose raw_data holds at least `minBytes`, in graph order. */
  moved: RawDataRange[];
}

/**
 * Reads an ONNX file's structure without its large weights: the raw_data of every graph initializer of at least
 * `minBytes` is left out of the skeleton and reported by its byte range instead, to be copied file to file.
 */
export async function scanOnnxFile(file: string, minBytes: number): Promise<ScannedModel> {
  const handle = await fs.open(file, 'r');
  try {
    const reader = new FileReader(handle, (await handle.stat()).size);
    const moved: RawDataRange[] = [];
    let graphs = 0;
    const skeleton = await rewriteMessage(reader, 0, reader.size, 'the model', async (field) => {
      if (field.number !== MODEL_GRAPH || field.wireType !== WIRE_LEN) return undefined;
      // protobufjs keeps only the last of repeated message fields, so the initializer positions would not match.
      if (++graphs > 1) throw new Error(`the model has a second graph field at byte ${field.start}`);
      let initializers = 0;
      return rewriteMessage(reader, field.dataStart, field.end, 'the graph', async (g) => {
        if (g.number !== GRAPH_INITIALIZER || g.wireType !== WIRE_LEN) return undefined;
        const initializer = initializers++;
        return rewriteMessage(reader, g.dataStart, g.end, `initializer ${initializer}`, async (t) => {
          if (t.number !== TENSOR_RAW_DATA || t.wireType !== WIRE_LEN || t.end - t.dataStart < minBytes) return undefined;
          // A repeated bytes field keeps its last value.
          if (moved.at(-1)?.initializer === initializer) moved.pop();
          moved.push({ initializer, offset: t.dataStart, length: t.end - t.dataStart });
          return null;
        });
      });
    });
    return { skeleton, moved };
  } finally {
    await handle.close();
  }
}

interface Field {
  number: number;
  wireType: number;
  /** Offset of the field's tag. */
  start: number;
  /** Offset of its payload (after the length, for length-delimited fields). */
  dataStart: number;
  end: number;
}

/**
 * A message's bytes with some fields replaced: `visit` returns undefined to keep a field as it is, null to drop it, or
 * the new payload of a length-delimited field. Unchanged runs of fields are copied as they are.
 */
async function rewriteMessage(
  reader: FileReader,
  start: number,
  end: number,
  what: string,
  visit: (field: Field) => Promise<Uint8Array | null | undefined>,
): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let copyFrom = start;
  for (let pos = start; pos < end; ) {
    const field = await readField(reader, pos, end, what);
    const replacement = await visit(field);
    if (replacement !== undefined) {
      if (field.start > copyFrom) pieces.push(await reader.bytes(copyFrom, field.start - copyFrom));
      if (replacement !== null) pieces.push(lengthDelimited(field.number, replacement));
      copyFrom = field.end;
    }
    pos = field.end;
  }
  if (end > copyFrom) pieces.push(await reader.bytes(copyFrom, end - copyFrom));
  return Buffer.concat(pieces);
}

async function readField(reader: FileReader, pos: number, end: number, what: string): Promise<Field> {
  const tag = await reader.varint(pos, end, what);
  const wireType = tag.value % 8;
  const number = Math.floor(tag.value / 8);
  if (number === 0) throw new Error(`not an ONNX model: field number 0 at byte ${pos} of ${what}`);
  let dataStart = tag.next;
  let fieldEnd: number;
  switch (wireType) {
    case WIRE_VARINT:
      fieldEnd = (await reader.varint(dataStart, end, what)).next;
      break;
    case WIRE_I64:
      fieldEnd = dataStart + 8;
      break;
    case WIRE_I32:
      fieldEnd = dataStart + 4;
      break;
    case WIRE_LEN: {
      const length = await reader.varint(dataStart, end, what);
      dataStart = length.next;
      fieldEnd = dataStart + length.value;
      break;
    }
    default:
      throw new Error(`not an ONNX model: wire type ${wireType} of field ${number} at byte ${pos} of ${what}`);
  }
  if (fieldEnd > end) {
    throw new Error(`field ${number} at byte ${pos} of ${what} runs to byte ${fieldEnd}, past its end at byte ${end}`);
  }
  return { number, wireType, start: pos, dataStart, end: fieldEnd };
}

function lengthDelimited(number: number, payload: Uint8Array): Uint8Array {
  return Buffer.concat([encodeVarint(number * 8 + WIRE_LEN), encodeVarint(payload.length), payload]);
}

function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return Uint8Array.from(bytes);
}

/** Positioned reads of a file through a small window, for walking tags that lie close together. */
class FileReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number,
  ) {}

  /** A copy of `length` bytes at `position`. */
  async bytes(position: number, length: number): Promise<Buffer> {
    const inWindow = position - this.windowStart;
    if (inWindow >= 0 && inWindow + length <= this.window.length) return Buffer.from(this.window.subarray(inWindow, inWindow + length));
    if (length > WINDOW_BYTES) return this.read(position, length);
    await this.load(position);
    return Buffer.from(this.window.subarray(0, length));
  }

  /** The varint at `position` (a protobuf tag or length) and the offset after it; it must end before `end`. */
  async varint(position: number, end: number, what: string): Promise<{ value: number; next: number }> {
    if (position - this.windowStart < 0 || position + 10 > this.windowStart + this.window.length) await this.load(position);
    let value = 0;
    for (let i = 0, scale = 1; i < 10 && position + i < end; i++, scale *= 0x80) {
      const byte = this.window[position - this.windowStart + i];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return { value, next: position + i + 1 };
    }
    throw new Error(`not an ONNX model, or cut short: unterminated varint at byte ${position} of ${what}`);
  }

  private async load(position: number): Promise<void> {
    this.window = await this.read(position, Math.min(WINDOW_BYTES, this.size - position));
    this.windowStart = position;
  }

  private async read(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) throw new Error(`the file ends at byte ${position + done}, before the ${length} bytes read at ${position}`);
      done += bytesRead;
    }
    return buffer;
  }
}
