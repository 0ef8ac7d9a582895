// How moderators' decisions, as the server logs them, become training examples of each model.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createModerator, examplesPath, MemoryRecentSet } from '@livecomments/server/moderation';
import { retrainExamples } from './base-data.js';

test('retraining picks up the examples learn() appends, from trusted sources by default', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-learn-'));
  try {
    const moderator = createModerator({ dataDir, recent: new MemoryRecentSet(), modelPath: join(dataDir, 'none') });
    const by = { eventId: 'e', decidedBy: 'moderator' } as const;
    await moderator.learn({ ...by, text: 'buy followers cheap', label: 'reject', at: 1, reasons: ['spam'] });
    await moderator.learn({ ...by, text: 'what a save', label: 'approve', at: 2, reasons: ['toxicity'] });
    await moderator.learn({
      ...by,
      decidedBy: 'admin',
      text: 'you absolute worm',
      label: 'reject',
      at: 3,
      reasons: ['toxicity'],
    });
    await moderator.learn({ ...by, text: 'X are vermin', label: 'reject', at: 4, reasons: ['identity_attack'] });
    await moderator.learn({ ...by, text: 'you are a clown', label: 'approve', at: 5, reasons: ['harassment'] });
    // Not trusted by default: an event owner's decision, and one of unknown source.
    await moderator.learn({ ...by, decidedBy: 'owner', text: 'my spam is fine', label: 'approve', at: 6 });
    await moderator.learn({ eventId: 'e', text: 'old approval', label: 'approve', at: 7 });
    await moderator.close();
    const lines = readFileSync(examplesPath(dataDir), 'utf8').trim().split('\n');
    assert.equal(lines.length, 7);
    assert.deepEqual(JSON.parse(lines[0]!).label, 'reject');

    const base = [{ text: 'base', label: '0' }];
    const spam = retrainExamples('spam', dataDir, base);
    assert.equal(spam.learned, 3, 'a rejection for abuse alone teaches the spam model nothing');
    assert.deepEqual(
      spam.examples.map((e) => [e.text, e.label]),
      [
        ['base', '0'],
        ['buy followers cheap', '1'],
        ['what a save', '0'],
        ['you are a clown', '0'],
      ],
    );
    assert.equal(spam.skipped, 2, "the owner's and the unknown decision are left out");
    const all = retrainExamples('spam', dataDir, [], { includeOwners: true });
    assert.deepEqual(
      all.examples.slice(-2).map((e) => [e.text, e.label]),
      [
        ['my spam is fine', '0'],
        ['old approval', '0'],
      ],
    );
    const toxicity = retrainExamples('toxicity', dataDir, []);
    assert.deepEqual(
      toxicity.examples.map((e) => [e.text, e.label]),
      [
        ['what a save', 'neither'],
        ['you absolute worm', 'offensive'],
        ['X are vermin', 'hate'],
        ['you are a clown', 'neither'],
      ],
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
