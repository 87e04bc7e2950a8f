import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileError, InputError, recordError } from './input-error.js';

describe('InputError', () => {
  it('reads like file:line: field "x": reason for lines', () => {
    const err = new InputError({ code: 'invalid-record', file: 'data.jsonl', line: 17, field: 'chosen', reason: 'expected a non-empty string' });
    assert.equal(err.message, 'data.jsonl:17: field "chosen": expected a non-empty string');
    assert.equal(err.name, 'InputError');
    assert.equal(err.unit, 'line');
    assert.equal(err.line, 17);
    assert.equal(err.field, 'chosen');
    assert.ok(err instanceof Error);
  });

  it('names the record number for JSON arrays', () => {
    const err = recordError({ file: 'chat_filtered.json', line: 3, unit: 'record' }, 'expected 3 responses, found 2', 'chosen');
    assert.equal(err.message, 'chat_filtered.json: record 3: field "chosen": expected 3 responses, found 2');
    assert.equal(err.unit, 'record');
    assert.equal(err.code, 'invalid-record');
  });

  it('leaves the location out for errors about the whole file', () => {
    const err = new InputError({ code: 'empty-dataset', file: 'empty.jsonl', reason: 'no records' });
    assert.equal(err.message, 'empty.jsonl: no records');
    assert.equal(err.line, undefined);
    assert.equal(err.field, undefined);
  });

  it('turns ENOENT and EACCES into messages naming the file, and passes other errors through', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const missing = fileError('data/missing.jsonl', enoent);
    assert.ok(missing instanceof InputError);
    assert.equal(missing.message, 'data/missing.jsonl: cannot read: no such file or folder');
    assert.equal(missing.code, 'unreadable');
    assert.equal(missing.cause, enoent);

    const denied = fileError('secret.jsonl', Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    assert.equal((denied as InputError).message, 'secret.jsonl: cannot read: permission denied');

    const other = new RangeError('boom');
    assert.equal(fileError('x', other), other);
  });
});
