import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sleep } from '../../test/wait.js';
import { LogLimit } from './log-limit.js';

/** A logger that keeps its lines, each with its level. */
function recorder() {
  const lines: { fields: Record<string, unknown>; message: string; level?: string }[] = [];
  return {
    lines,
    logger: {
      warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }),
      error: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message, level: 'error' }),
    },
  };
}

test('one line per key per interval, the next one counts what was dropped', () => {
  const { lines, logger } = recorder();
  let now = 1_000;
  const limit = new LogLimit(logger, { intervalMs: 1000, now: () => now });
  assert.equal(limit.log('handshake', { ip: 'a' }, 'bad handshake'), true);
  for (let i = 0; i < 5; i++) assert.equal(limit.log('handshake', { ip: 'a' }, 'bad handshake'), false);
  assert.equal(limit.log('slow', {}, 'slow consumer'), true, 'another key has its own budget');
  now += 999;
  assert.equal(limit.log('handshake', { ip: 'a' }, 'bad handshake'), false);
  now += 1;
  assert.equal(limit.log('handshake', { ip: 'b' }, 'bad handshake'), true);
  now += 1000;
  assert.equal(limit.log('handshake', { ip: 'c' }, 'bad handshake'), true);
  assert.deepEqual(lines, [
    { fields: { ip: 'a' }, message: 'bad handshake' },
    { fields: {}, message: 'slow consumer' },
    { fields: { ip: 'b', suppressed: 6 }, message: 'bad handshake' },
    { fields: { ip: 'c' }, message: 'bad handshake' },
  ]);
});

test('remembers at most maxKeys keys', () => {
  const { lines, logger } = recorder();
  const limit = new LogLimit(logger, { intervalMs: 60_000, maxKeys: 2, now: () => 0 });
  limit.log('a', {}, 'x');
  limit.log('b', {}, 'x');
  limit.log('c', {}, 'x');
  assert.equal(limit.log('b', {}, 'x'), false, 'b is still remembered');
  assert.equal(limit.log('a', {}, 'x'), true, 'a, the oldest, was forgotten');
  assert.equal(lines.length, 4);
});

test('summarise: a flood makes one line at once and one summary per interval, not a line each', async () => {
  const { lines, logger } = recorder();
  const limit = new LogLimit(logger, { intervalMs: 100, level: 'error', summarise: true, summaryMessage: 'failures' });
  for (let i = 0; i < 1000; i++) limit.log('db', { i }, 'failure');
  assert.deepEqual(lines, [{ fields: { i: 0 }, message: 'failure', level: 'error' }]);
  await sleep(150);
  assert.deepEqual(lines[1], { fields: { i: 999, suppressed: 999 }, message: 'failures', level: 'error' });
  // A quiet interval ends the run: no empty summary, and the next occurrence is logged at once.
  await sleep(150);
  assert.equal(lines.length, 2);
  limit.log('db', { i: 'again' }, 'failure');
  assert.deepEqual(lines.at(-1), { fields: { i: 'again' }, message: 'failure', level: 'error' });
});
