// The profanity screen against every dataset text: it may let innocent text through, never stop
// profane text, and the narrowed matcher behind it finds exactly what the whole matcher finds.
// Skipped without the shared datasets (`LC_DATASETS_DIR`).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { findProfanity, mayBeProfane } from '@livecomments/server/moderation';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import { datasetsDir, readDavidson, readYoutube, YOUTUBE_VIDEOS } from './datasets.js';

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

test('the screen agrees with obscenity on every dataset text', {
  skip: existsSync(datasetsDir()) ? false : 'no datasets',
}, () => {
  const texts = [...YOUTUBE_VIDEOS.flatMap((v) => readYoutube(v)), ...readDavidson()].map((r) => r.text);
  let passed = 0;
  for (const text of texts) {
    const screened = mayBeProfane(text);
    const all = matcher.getAllMatches(text, true);
    if (all.length > 0) assert.ok(screened, `screen missed: ${text}`);
    assert.deepEqual(
      findProfanity(text).map((m) => m.payload),
      all,
      text,
    );
    if (screened) passed++;
  }
  assert.ok(passed < texts.length, 'the screen stops some texts');
});
