import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldNames, recordToPair, type PairMapping } from './field-mapping.js';
import { InputError } from './input-error.js';
import type { RawRecord } from './raw-record.js';

const at = (value: unknown, line = 7): RawRecord => ({ value, location: { file: 'd.jsonl', line, unit: 'line' } });
const plain: PairMapping = { fields: fieldNames() };

function rejects(value: unknown, message: string, mapping: PairMapping = plain): void {
  assert.throws(
    () => recordToPair(at(value), mapping),
    (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('recordToPair', () => {
  it('maps the default fields, with the line number standing in for a missing id', () => {
    assert.deepEqual(recordToPair(at({ prompt: 'Hi', chosen: 'Hello', rejected: 'Bye', extra: 1 }), plain), {
      key: '7',
      id: '7',
      prompt: 'Hi',
      chosen: ['Hello'],
      rejected: ['Bye'],
      source: { file: 'd.jsonl', line: 7 },
    });
  });

  it('takes renamed fields, numeric ids, a system message and a group', () => {
    const mapping: PairMapping = {
      fields: fieldNames({ promptField: 'q', chosenField: 'good', rejectedField: 'bad', systemField: 'sys', idField: 'uid', groupField: 'cat' }),
    };
    const pair = recordToPair(at({ q: 'Q', good: ' G ', bad: 'B', sys: 'Be nice.', uid: 42, cat: 'maths' }), mapping);
    assert.deepEqual(pair, {
      key: '42',
      id: '42',
      prompt: 'Q',
      chosen: [' G '],
      rejected: ['B'],
      system: 'Be nice.',
      group: 'maths',
      source: { file: 'd.jsonl', line: 7 },
    });
    rejects({ q: 'Q', good: 'G', bad: 'B' }, 'd.jsonl:7: field "cat": missing', mapping);
  });

  it('keeps a multi-turn prompt and checks its roles', () => {
    const prompt = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'U2' },
    ];
    assert.deepEqual(recordToPair(at({ prompt, chosen: 'c', rejected: 'r' }), plain).prompt, prompt);
    rejects({ prompt: [{ role: 'bot', content: 'x' }], chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": message 1: role "bot" is not one of system, user, assistant');
    rejects({ prompt: [{ content: 'x' }], chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": message 1: role missing is not one of system, user, assistant');
    rejects(
      { prompt: [{ role: 'user', content: 'x' }, { role: 'system', content: 's' }, { role: 'user', content: 'y' }], chosen: 'c', rejected: 'r' },
      'd.jsonl:7: field "prompt": message 2: a system message may only come first',
    );
    rejects(
      { prompt: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'a' }], chosen: 'c', rejected: 'r' },
      'd.jsonl:7: field "prompt": the conversation must end with a user turn, it ends with assistant',
    );
    rejects({ prompt: [], chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": expected at least one message, found an empty list');
    rejects({ prompt: [{ role: 'user', content: 3 }], chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": message 1: content: expected a string, found a number');
    rejects({ prompt: ['hi'], chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": message 1: expected a {role, content} object, found a string');
  });

  it('takes the last assistant message of a conversation as the response, and the turns before it as the prompt', () => {
    const conversation = (answer: string) => [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hi.' },
      { role: 'assistant', content: answer },
    ];
    const pair = recordToPair(at({ chosen: conversation('Hi.'), rejected: conversation('Greetings, friend!') }), plain);
    assert.equal(pair.system, 'Be brief.');
    assert.deepEqual(pair.prompt, [{ role: 'user', content: 'Say hi.' }]);
    assert.deepEqual(pair.chosen, ['Hi.']);
    assert.deepEqual(pair.rejected, ['Greetings, friend!']);

    const withPrompt = recordToPair(at({ prompt: 'Say hi.', chosen: conversation('Hi.').slice(1), rejected: 'Yo' }), plain);
    assert.equal(withPrompt.prompt, 'Say hi.');
    assert.equal(withPrompt.system, undefined);

    rejects(
      { prompt: 'p', chosen: [{ role: 'user', content: 'x' }], rejected: 'r' },
      "d.jsonl:7: field \"chosen\": the last message must be the assistant's response, found a user message",
    );
    rejects({ chosen: [{ role: 'assistant', content: 'x' }], rejected: 'r' }, 'd.jsonl:7: field "chosen": no prompt field, and no user turn before the response');
  });

  it('reads lists of responses (best-of-N records) of any lengths, each response checked by its index', () => {
    const pair = recordToPair(at({ prompt: 'p', chosen: ['c1', 'c2'], rejected: ['r1', 'r2', ' r3\n'] }), plain);
    assert.deepEqual([pair.chosen, pair.rejected], [['c1', 'c2'], ['r1', 'r2', ' r3\n']]);
    rejects({ prompt: 'p', chosen: ['c'], rejected: ['r', ''] }, 'd.jsonl:7: field "rejected[1]": expected a non-empty string, found an empty string');
    rejects({ prompt: 'p', chosen: [], rejected: 'r' }, 'd.jsonl:7: field "chosen": expected a response or a list of responses, found an empty list');
  });

  it('names the field and what was wrong with it', () => {
    rejects({ prompt: 'p', rejected: 'r' }, `d.jsonl:7: field "chosen": missing (the record's fields are prompt, rejected; name the dataset's own fields with --prompt-field, --chosen-field and --rejected-field)`);
    rejects({ question: 'q', good: 'g', bad: 'b' }, `d.jsonl:7: field "chosen": missing (the record's fields are question, good, bad; name the dataset's own fields with --prompt-field, --chosen-field and --rejected-field)`);
    rejects({ prompt: 'p', chosen: '', rejected: 'r' }, 'd.jsonl:7: field "chosen": expected a non-empty string, found an empty string');
    rejects({ prompt: 'p', chosen: '  \n', rejected: 'r' }, 'd.jsonl:7: field "chosen": expected a non-empty string, found only whitespace');
    rejects({ prompt: 'p', chosen: 'c', rejected: 5 }, 'd.jsonl:7: field "rejected": expected a non-empty string, found a number');
    rejects({ prompt: 'p', chosen: 'c', rejected: { text: 'r' } }, 'd.jsonl:7: field "rejected": expected a non-empty string, found an object');
    rejects({ chosen: 'c', rejected: 'r' }, `d.jsonl:7: field "prompt": missing (the record's fields are chosen, rejected; name the dataset's own fields with --prompt-field, --chosen-field and --rejected-field)`);
    rejects({ prompt: 7, chosen: 'c', rejected: 'r' }, 'd.jsonl:7: field "prompt": expected a string or a list of {role, content} messages, found a number');
    rejects({ prompt: 'p', chosen: 'c', rejected: 'r', system: 1 }, 'd.jsonl:7: field "system": expected a string, found a number');
    rejects({ prompt: 'p', chosen: 'c', rejected: 'r', id: '' }, 'd.jsonl:7: field "id": expected a non-empty string or a number, found an empty string');
    rejects(['p', 'c', 'r'], 'd.jsonl:7: expected a JSON object, found a list of 3');
    rejects(null, 'd.jsonl:7: expected a JSON object, found null');
  });

  it('says "record" for JSON array records', () => {
    assert.throws(() => recordToPair({ value: {}, location: { file: 'd.json', line: 3, unit: 'record' } }, plain), {
      message: `d.json: record 3: field "chosen": missing (the record has no fields; name the dataset's own fields with --prompt-field, --chosen-field and --rejected-field)`,
    });
    const pair = recordToPair({ value: { prompt: 'p', chosen: 'c', rejected: 'r' }, location: { file: 'd.json', line: 3, unit: 'record' } }, plain);
    assert.deepEqual(pair.source, { file: 'd.json', line: 3, unit: 'record' });
  });

  it('treats a null or empty system as none', () => {
    assert.equal(recordToPair(at({ prompt: 'p', chosen: 'c', rejected: 'r', system: null }), plain).system, undefined);
    assert.equal(recordToPair(at({ prompt: 'p', chosen: 'c', rejected: 'r', system: '' }), plain).system, undefined);
  });
});
