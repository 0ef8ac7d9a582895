import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonTable } from './compare.js';

const run = { kind: 'fanout', viewers: 500, transport: 'ws', rate: 20, duration: 10 };

test('the comparison: one column per server, figures by row, the load average without the process counts', () => {
  const table = comparisonTable([
    {
      server: 'livecomments',
      result: {
        ...run,
        deliveredPerSecond: 10000,
        latencyMs: { p50: 4.1, p99: 9.8 },
        serverCpuSecondsPerMillion: 12.5,
        saturated: [],
        loadavg: '3.10 2.00 1.50 4/400 123',
      },
    },
    {
      server: 'nchan',
      result: {
        ...run,
        deliveredPerSecond: 9990,
        latencyMs: { p50: 3 },
        saturated: ['the poster fell behind by 2 posts'],
      },
    },
  ]);
  const lines = table.trim().split('\n');
  assert.equal(lines[0], '| 500 ws viewers x 20/s, 10 s | this project | Nchan |');
  assert.ok(lines.includes('| delivered/s | 10000 | 9990 |'));
  assert.ok(lines.includes('| latency p50 / p99 (ms) | 4.1 / 9.8 | 3 / - |'));
  assert.ok(lines.includes('| server CPU per delivery (µs) | 12.5 | - |'));
  assert.ok(lines.includes('| saturated | no | the poster fell behind by 2 posts |'));
  assert.ok(lines.includes('| load average at the end | 3.10 2.00 1.50 | - |'));
});

test('the comparison of sweeps shows the highest passing rate', () => {
  const table = comparisonTable([
    { server: 'livecomments', result: { ...run, kind: 'sweep', sustainedRate: 40, sustainedP99Ms: 88 } },
    { server: 'nchan', result: { ...run, kind: 'sweep', sustainedRate: 25, sustainedP99Ms: 70 } },
  ]);
  assert.match(table, /^\| 500 ws viewers x sweep from 20\/s, 10 s \| this project \| Nchan \|$/m);
  assert.match(table, /^\| highest rate passing \(comments\/s\) \| 40 \| 25 \|$/m);
});
