import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogLimit } from './log-limit.js';

function recorder() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    logger: { warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) },
  };
}

test('one line per key per interval, the next one counts what was dropped', () => {
  const { lines, logger } = recorder();
  let now = 1_000;
  const limit = new LogLimit(logger, { intervalMs: 1000, now: () => now });
  assert.equal(limit.warn('handshake', { ip: 'a' }, 'bad handshake'), true);
  for (let i = 0; i < 5; i++) assert.equal(limit.warn('handshake', { ip: 'a' }, 'bad handshake'), false);
  assert.equal(limit.warn('slow', {}, 'slow consumer'), true, 'another key has its own budget');
  now += 999;
  assert.equal(limit.warn('handshake', { ip: 'a' }, 'bad handshake'), false);
  now += 1;
  assert.equal(limit.warn('handshake', { ip: 'b' }, 'bad handshake'), true);
  now += 1000;
  assert.equal(limit.warn('handshake', { ip: 'c' }, 'bad handshake'), true);
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
  limit.warn('a', {}, 'x');
  limit.warn('b', {}, 'x');
  limit.warn('c', {}, 'x');
  assert.equal(limit.warn('b', {}, 'x'), false, 'b is still remembered');
  assert.equal(limit.warn('a', {}, 'x'), true, 'a, the oldest, was forgotten');
  assert.equal(lines.length, 4);
});
