#!/usr/bin/env node
// Removes build output folders (npm run build and npm test rebuild them from nothing, so that a file moved or deleted in
// src/ never lingers in dist/, where npm pack would ship it, or in dist-test/, where node --test would run it).
//   node scripts/clean.mjs dist dist-test
import { rmSync } from 'node:fs';

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });
