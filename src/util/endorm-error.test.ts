import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InterruptedError } from '../commands/interrupt.js';
import { InputError } from '../datasets/input-error.js';
import { RecordNotFoundError } from '../inspect/show-pair.js';
import { JudgeLengthError } from '../judges/judge-format.js';
import { LabelTokenError } from '../judges/label-tokens.js';
import { JudgePromptError } from '../judges/prompt-template.js';
import { HubError } from '../model/hub/hub-errors.js';
import { ModelError } from '../model/model-errors.js';
import { GraphRewriteError } from '../onnx/find-vocab-projection.js';
import { MethodSpecError } from '../rewards/method-spec.js';
import { RunFolderError } from '../run-store/run-folder-error.js';
import { RunLockedError } from '../run-store/run-lock.js';
import { SettingsError } from '../run/settings-error.js';
import { CannotWriteError } from './cannot-write-error.js';
import { EndormError } from './endorm-error.js';
import { EXIT } from './exit-codes.js';

test('every error endorm reports carries the exit code the README documents for it', () => {
  const cases: [EndormError, number][] = [
    [new InputError({ code: 'invalid-record', file: 'd.jsonl', line: 2, field: 'chosen', reason: 'missing' }), EXIT.input],
    [new RunFolderError('no run.json', 'run'), EXIT.input],
    [new MethodSpecError('bad spec'), EXIT.usage],
    [new SettingsError('other settings'), EXIT.usage],
    [new JudgePromptError('no [user] section'), EXIT.usage],
    [new JudgeLengthError('too long'), EXIT.usage],
    [new RecordNotFoundError('no such record'), EXIT.usage],
    [new LabelTokenError('labels collide'), EXIT.model],
    [new ModelError('no config.json'), EXIT.model],
    [new HubError('not-found', 'no such file'), EXIT.model],
    [new GraphRewriteError('no logits'), EXIT.model],
    [new CannotWriteError('cannot write run/scores.jsonl: no space left on the device', 'run/scores.jsonl', 'ENOSPC'), EXIT.cannotWrite],
    [new RunLockedError('run is being written by endorm score (pid 1)', undefined), EXIT.locked],
    [new InterruptedError('SIGINT'), EXIT.interrupted],
    [new InterruptedError('SIGTERM'), EXIT.terminated],
  ];
  for (const [err, code] of cases) {
    assert.ok(err instanceof EndormError, `${err.name} extends EndormError`);
    assert.equal(err.exitCode, code, err.name);
  }
  assert.equal(new ModelError('no config.json').describe(), 'error: no config.json');
  assert.match(new InterruptedError().describe(), /^interrupted; the scores written so far are kept/);
});
