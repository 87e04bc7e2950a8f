import { readFileSync } from 'node:fs';

/** endorm's version, from the package.json two folders above `dist/util/` (and `src/util/`). */
export const ENDORM_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
