import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gitCheckout } from './git-checkout.js';

/** The folder holding endorm's package.json, two folders above `dist/util/` (and `src/util/`). */
export const ENDORM_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** endorm's version, from its package.json. */
export const ENDORM_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** The version, and when endorm runs from a git checkout, the commit and branch it stands at (read once). */
export async function endormBuild(): Promise<{ version: string; commit?: string; ref?: string }> {
  build ??= gitCheckout(ENDORM_ROOT).then((git) => ({ version: ENDORM_VERSION, ...(git ?? {}) }));
  return build;
}

let build: Promise<{ version: string; commit?: string; ref?: string }> | undefined;
