// The moderator the AutoMod tests ask: no classifiers, an in-memory recent set, each text from a
// new author at a later time, so only the rules and the author's newness decide.
import type { AutomodSettings } from '@livecomments/protocol';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { ExampleLog } from './examples.js';
import { PipelineModerator } from './pipeline.js';

/** A `check(text, automod?)` over a rules-only moderator whose examples go to `examplesDir`. */
export function rulesOnlyCheck(examplesDir: string) {
  const moderator = new PipelineModerator(
    { spam: null, toxicity: null },
    new MemoryRecentSet(),
    new ExampleLog(`${examplesDir}/examples.jsonl`),
  );
  let n = 0;
  return (text: string, automod?: AutomodSettings) =>
    moderator.checkSync({
      eventId: 'e',
      user: { id: `u${n++}`, name: 'u' },
      text,
      settings: { ...DEFAULT_SETTINGS, automod },
      now: 1_000_000 + n,
    });
}
