/**
 * The two configurations the project ships, each chosen by measurement (README, "Moderation"):
 * `spam` by 5-fold cross-validation on the YouTube training parts only, then one run on the
 * test parts; `toxicity` on the Davidson training part.
 */
import type { FeatureConfig } from './features.js';
import type { TrainOptions } from './train.js';

const NGRAMS: FeatureConfig = {
  bits: 18,
  wordNgrams: [1, 2],
  charMin: 2,
  charMax: 5,
  charWordBounded: false,
  cues: true,
};

/** Named training configurations. */
export const PRESETS: Record<'spam' | 'toxicity', TrainOptions> = {
  spam: { features: NGRAMS, c: 30, balanced: true, idf: false, maxIterations: 300 },
  toxicity: { features: NGRAMS, c: 10, balanced: true, idf: true, maxIterations: 150 },
};
