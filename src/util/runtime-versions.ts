import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The versions that decide what a run computes besides endorm's own: Node, onnxruntime-node and transformers.js. */
export interface RuntimeVersions {
  node: string;
  onnxruntimeNode?: string;
  transformers?: string;
}

/** Read from the packages' own package.json files as they are installed, not from endorm's package.json ranges. */
export function runtimeVersions(): RuntimeVersions {
  const versions: RuntimeVersions = { node: process.versions.node };
  const ort = installedVersion('onnxruntime-node');
  if (ort !== undefined) versions.onnxruntimeNode = ort;
  const transformers = installedVersion('@huggingface/transformers');
  if (transformers !== undefined) versions.transformers = transformers;
  return versions;
}

/** A package's version from the package.json above its resolved entry; undefined when it is not installed. */
export function installedVersion(name: string): string | undefined {
  let dir: string;
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  } catch {
    return undefined;
  }
  for (; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
    } catch {
      /* no package.json here: look further up */
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
