import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PROJECT_ROOT } from './shared-models.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Why a summary.json does not validate against the shipped schemas/summary.schema.json ('' when it does). */
export function summarySchemaProblems(summary: unknown): string {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const name of ['run', 'summary']) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'schemas', `${name}.schema.json`), 'utf8')));
  const check = ajv.getSchema('https://endorm.invalid/schemas/summary.schema.json')!;
  return check(summary) ? '' : JSON.stringify(check.errors, null, 1);
}
