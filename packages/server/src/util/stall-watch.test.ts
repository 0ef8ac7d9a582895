import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { watchStalls } from './stall-watch.js';

/** A pino logger writing its JSON lines into an array. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {}
}

test('a blocked event loop is logged at warn with how long it was blocked', async () => {
  const { lines, logger } = capturedLogger();
  const watch = watchStalls(logger, { thresholdMs: 500, intervalMs: 50 });
  try {
    await sleep(200);
    assert.equal(lines.length, 0, 'an idle loop logs nothing');
    busyWait(1500);
    await sleep(200);
    const stalls = lines.filter((l) => l.level === 40 && typeof l.blockedMs === 'number');
    assert.equal(stalls.length, 1, JSON.stringify(lines));
    assert.ok((stalls[0]!.blockedMs as number) >= 1000, `blockedMs ${stalls[0]!.blockedMs}`);
    busyWait(1000);
    await sleep(200);
    assert.equal(lines.length, 1, 'a second stall within the log interval is counted, not logged');
  } finally {
    watch.stop();
  }
});
