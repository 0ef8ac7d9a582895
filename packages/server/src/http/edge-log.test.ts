import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EdgeWarnings } from './edge-log.js';

/** A logger that keeps what it is given. */
function sink(): { lines: Record<string, unknown>[]; warn(details: Record<string, unknown>, message: string): void } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    warn(details, message) {
      lines.push({ ...details, message });
    },
  };
}

test('one line per kind and address per window, then a count of those left out', async () => {
  const log = sink();
  const warnings = new EdgeWarnings(log as never, 50);
  for (let i = 0; i < 100; i++) warnings.warn('bad_handshake', '10.0.0.1', 'refused');
  warnings.warn('connection_cap', '10.0.0.1', 'cap');
  warnings.warn('bad_handshake', '10.0.0.2', 'refused');
  assert.equal(log.lines.length, 3);
  await new Promise((resolve) => setTimeout(resolve, 60));
  warnings.warn('bad_handshake', '10.0.0.1', 'refused');
  assert.equal(log.lines.length, 4);
  assert.equal(log.lines[3]!.sinceLast, 99, 'the refusals left out are counted');
});
