import { createHash } from 'node:crypto';
import { EndormError } from '../util/endorm-error.js';
import { EXIT } from '../util/exit-codes.js';

/**
 * run.json's `settingsSha256`: one sha256 per setting, of its JSON, written with run.json when the run starts. A resume
 * takes its settings from run.json, so an edit there (other methods, `traces: false`) would score the rest of a run
 * under settings its first lines were not scored with; the seal names the setting that moved. It guards against
 * accidents and hand edits, not against someone who recomputes it.
 */
export type SettingsSeal = Record<string, string>;

/** A run.json whose settings were changed after the run started, or hold a value no endorm writes (exit 2). */
export class EditedSettingsError extends EndormError {
  readonly exitCode = EXIT.usage;
  override name = 'EditedSettingsError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export function sealSettings(settings: Readonly<Record<string, unknown>>): SettingsSeal {
  const seal: SettingsSeal = {};
  for (const key of Object.keys(settings).sort()) if (settings[key] !== undefined) seal[key] = digest(settings[key]);
  return seal;
}

/**
 * Checks run.json's settings against its seal (when it has one: runs written before it was recorded have none) and
 * against the values endorm itself can write; a difference is an EditedSettingsError naming `settings.<field>`.
 */
export function checkSealedSettings(settings: Readonly<Record<string, unknown>>, seal: unknown, file: string): void {
  checkValues(settings, file);
  if (seal === undefined) return;
  if (!isSeal(seal)) throw new EditedSettingsError(`${file}: field "settingsSha256" is not an object of sha256 values; run.json was edited`, 'settingsSha256');
  const keys = new Set([...Object.keys(settings), ...Object.keys(seal)]);
  for (const key of [...keys].sort()) {
    const sealed = seal[key];
    const now = settings[key] !== undefined ? digest(settings[key]) : undefined;
    if (sealed === now) continue;
    const what = sealed === undefined ? 'was added' : now === undefined ? 'was removed' : 'was changed';
    throw new EditedSettingsError(
      `${file}: field "settings.${key}" ${what} after the run started (its settingsSha256 no longer matches): its scores were made ` +
        `with the settings the run began with, so it cannot go on under others; undo the edit, or score into a new --out`,
      `settings.${key}`,
    );
  }
}

/** The shapes endorm writes: a resume must not pass on a value the command line itself would refuse (`limit: -1`). */
function checkValues(s: Readonly<Record<string, unknown>>, file: string): void {
  const bad = (field: string, why: string): never => {
    throw new EditedSettingsError(`${file}: field "settings.${field}": ${why} (${JSON.stringify(s[field])}); run.json was edited or damaged`, `settings.${field}`);
  };
  const count = (field: string, min: number) => {
    const v = s[field];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min)) bad(field, `must be an integer of at least ${min}`);
  };
  if (!Array.isArray(s['methods']) || s['methods'].length === 0 || !s['methods'].every((m) => typeof m === 'string' && m !== '')) bad('methods', 'must be a non-empty list of method specs');
  count('limit', 0);
  count('sample', 0);
  count('seed', 0);
  count('maxLength', 1);
  if (s['traces'] !== undefined && typeof s['traces'] !== 'boolean') bad('traces', 'must be true or false');
  if (s['scoreEot'] !== undefined && typeof s['scoreEot'] !== 'boolean') bad('scoreEot', 'must be true or false');
  if (s['template'] !== undefined && s['template'] !== 'chat' && s['template'] !== 'none') bad('template', 'must be "chat" or "none"');
  const alphas = s['alphas'];
  if (alphas !== undefined && !(Array.isArray(alphas) && alphas.length > 0 && alphas.every((a) => typeof a === 'number' && Number.isFinite(a) && a > 0))) {
    bad('alphas', 'must be a non-empty list of positive numbers');
  }
}

function isSeal(value: unknown): value is SettingsSeal {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex');
}
