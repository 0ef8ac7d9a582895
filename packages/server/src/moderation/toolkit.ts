/**
 * What the offline moderation tools (`packages/moderation-tools`: training, evaluation, the
 * moderation bench) use of the server, as `@livecomments/server/moderation`: the pipeline as the
 * server runs it, the model format and its features, the learned examples, and the crafted worst
 * cases. Nothing in the server imports this file or the tools.
 */
export { MemoryRecentSet } from '../engines/recent-set.memory.js';
export { DEFAULT_SETTINGS } from '../events/settings.js';
export { normaliseText } from '../ingest/normalise.js';
export { adversarialTerms, adversarialTexts, LIMITS } from './adversarial.js';
export {
  type Counts,
  countFeatures,
  DEFAULT_FEATURES,
  type FeatureConfig,
  type SparseVector,
  weigh,
} from './classifier/features.js';
export { decideClass, LinearModel, type ModelFile } from './classifier/model.js';
export { MODEL_FILES } from './classifiers.js';
export {
  createModerator,
  DEFAULT_MODEL_DIR,
  examplesPath,
  type LabeledExample,
  type ModerationInput,
  type ModerationResult,
  type Moderator,
  readExamples,
} from './index.js';
export type { ExampleSource } from './moderator.js';
export { findProfanity } from './profanity.js';
export { mayBeProfane } from './profanity-screen.js';
