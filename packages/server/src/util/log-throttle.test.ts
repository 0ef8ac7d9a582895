import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sleep } from '../../test/wait.js';
import { LogThrottle } from './log-throttle.js';

test('a flood makes one line at once and one summary per window, not a line each', async () => {
  const lines: [number, object][] = [];
  const throttle = new LogThrottle((count, latest) => lines.push([count, latest]), 100);
  for (let i = 0; i < 1000; i++) throttle.note({ i });
  assert.deepEqual(lines, [[1, { i: 0 }]]);
  await sleep(150);
  assert.deepEqual(lines, [
    [1, { i: 0 }],
    [999, { i: 999 }],
  ]);
  // A quiet window ends the run: the next occurrence is logged at once again.
  await sleep(150);
  assert.equal(lines.length, 2);
  throttle.note({ i: 'again' });
  assert.deepEqual(lines.at(-1), [1, { i: 'again' }]);
});
