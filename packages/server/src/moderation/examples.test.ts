import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import { examplesPath } from './examples.js';
import { createModerator } from './index.js';

test('learn() appends labeled examples, each with who decided', async () => {
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

    assert.deepEqual(
      lines.map((l) => JSON.parse(l).decidedBy),
      ['moderator', 'moderator', 'admin', 'moderator', 'moderator', 'owner', undefined],
      'each decision records who decided (retraining trusts admins and moderators only)',
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a missing model is skipped with a warning; the rules still run', async () => {
  const warnings: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-nomodel-'));
  try {
    const moderator = createModerator({
      dataDir,
      recent: new MemoryRecentSet(),
      modelPath: join(dataDir, 'none'),
      logger: { warn: (_o, msg) => warnings.push(msg ?? '') },
    });
    assert.equal(warnings.length, 2);
    const { DEFAULT_SETTINGS } = await import('../events/settings.js');
    const input = {
      eventId: 'e',
      user: { id: 'u', name: 'u' },
      now: 1,
      settings: { ...DEFAULT_SETTINGS, blockedTerms: ['worm'] },
    };
    const r = await moderator.check({ ...input, text: 'you w0rm' });
    assert.equal(r.verdict, 'block');
    assert.equal((await moderator.check({ ...input, text: 'hello' })).scores.spam, undefined);
    await moderator.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
