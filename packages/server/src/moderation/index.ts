/** The moderation module: the staged pipeline behind `Moderator`, and its parts. */
import type { RecentSet } from '../engines/recent-set.js';
import { DEFAULT_MODEL_DIR, loadClassifiers, type ModerationLogger } from './classifiers.js';
import { ExampleLog, examplesPath } from './examples.js';
import { ClassifierHook, type HookOptions } from './hook.js';
import type { Moderator } from './moderator.js';
import { PipelineModerator } from './pipeline.js';

export { DEFAULT_MODEL_DIR, type ModerationLogger } from './classifiers.js';
export { examplesPath, readExamples } from './examples.js';
export { ClassifierHook, type HookObserver, type HookOptions } from './hook.js';
export type { LabeledExample, ModerationInput, ModerationResult, Moderator, Verdict } from './moderator.js';
export { PipelineModerator } from './pipeline.js';
export { type Policy, resolvePolicy, UNIQUE_WINDOW_MS } from './policy.js';

/** Options of `createModerator`. */
export interface ModeratorOptions {
  /** The node's data folder: learned examples go to `<dataDir>/moderation/examples.jsonl`. */
  dataDir: string;
  /** Shared recent keys, for repeat and unique-chat checks across nodes. */
  recent: RecentSet;
  /** Folder of `spam.json` and `toxicity.json`; the committed models by default. */
  modelPath?: string;
  logger?: ModerationLogger;
  /** The operator's classifier (`LC_MODERATION_URL`), when there is one. */
  hook?: HookOptions;
}

/** Builds the moderation pipeline, loading its models once (a missing model is skipped with a warning). */
export function createModerator(options: ModeratorOptions): Moderator {
  const classifiers = loadClassifiers(options.modelPath ?? DEFAULT_MODEL_DIR, options.logger);
  const hook = options.hook ? new ClassifierHook(options.hook) : null;
  return new PipelineModerator(classifiers, options.recent, new ExampleLog(examplesPath(options.dataDir)), hook);
}
