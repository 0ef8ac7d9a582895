import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser } from './sse-parser.js';

test('parses events split anywhere, skips comments and retry', () => {
  const p = new SseParser();
  const text =
    'retry: 2000\n\n:\n\nevent: entries\nid: 7\ndata: {"items":[]}\n\nevent: presence\r\ndata: {"viewers":3}\r\n\r\n';
  const out = [];
  for (const ch of text) out.push(...p.push(ch));
  assert.deepEqual(out, [
    { event: 'entries', id: '7', data: '{"items":[]}' },
    { event: 'presence', id: '7', data: '{"viewers":3}' },
  ]);
});

test('joins multi-line data with newlines', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('data: a\ndata: b\n\n'), [{ event: 'message', data: 'a\nb' }]);
});
