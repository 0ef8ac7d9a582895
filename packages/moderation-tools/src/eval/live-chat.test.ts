// The hand-made live-chat fixture that `eval:moderation` reports, through the pipeline as the
// server runs it (the committed models).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createModerator,
  DEFAULT_SETTINGS,
  MemoryRecentSet,
  type ModerationInput,
} from '@livecomments/server/moderation';
import { readLabeledCsv, repoRoot } from './datasets.js';

const moderator = createModerator({ dataDir: '/tmp/lc-live-chat-test', recent: new MemoryRecentSet() });
let n = 0;
const input = (text: string): ModerationInput => ({
  eventId: 'e',
  user: { id: `u${n++}`, name: 'u' },
  text,
  settings: DEFAULT_SETTINGS,
  now: 1_000_000 + n,
});

test('hand-made live chat (the fixture eval:moderation reports): each group gets what it should', async () => {
  const rows = readLabeledCsv(join(repoRoot(), 'packages/moderation-tools/fixtures/live-chat.csv'), 'text', 'group');
  const verdicts = new Map<string, string[]>();
  for (const row of rows) {
    const r = await moderator.check(input(row.text));
    verdicts.set(row.label, [...(verdicts.get(row.label) ?? []), `${r.verdict}: ${row.text}`]);
  }
  const passed = (group: string) => verdicts.get(group)!.filter((v) => v.startsWith('approve'));
  assert.deepEqual(passed('cheering'), verdicts.get('cheering'), 'cheering is published (masked)');
  assert.equal(passed('innocent').length, verdicts.get('innocent')!.length, 'innocent chat is approved');
  assert.deepEqual(passed('identity'), []);
  // One insult is let through, masked: "shut the fuck up" (README, "Moderation").
  assert.ok(passed('insult').length <= 1, passed('insult').join('\n'));
});
