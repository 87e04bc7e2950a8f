import fs from 'node:fs/promises';
import path from 'node:path';
import { hubAbsenceMarkerPath, type HubFileRef } from './hub-paths.js';

/**
 * A file at its final cache path is complete by construction (downloads are renamed into place only once whole),
 * so existence is the whole check.
 */
export async function isRegularFile(filePath: string): Promise<boolean> {
  try {
    return (await fs.stat(filePath)).isFile();
  } catch {
    return false;
  }
}

export async function hasAbsenceMarker(cacheRoot: string, ref: HubFileRef): Promise<boolean> {
  return isRegularFile(hubAbsenceMarkerPath(cacheRoot, ref));
}

export async function writeAbsenceMarker(cacheRoot: string, ref: HubFileRef): Promise<void> {
  const marker = hubAbsenceMarkerPath(cacheRoot, ref);
  try {
    await fs.mkdir(path.dirname(marker), { recursive: true });
    await fs.writeFile(marker, '');
  } catch {
    // Only an optimisation: without it the next run asks the Hub again.
  }
}
