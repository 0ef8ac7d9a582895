/**
 * The base training data of the shipped models, and how a moderator's decision becomes a
 * training example for each: spam learns from YouTube (all five videos), toxicity from the
 * Davidson training part (its held-out 10% stays out, so the published figures stay honest).
 */

import type { ExampleSource, LabeledExample } from '@livecomments/server/moderation';
import { examplesPath, readExamples } from '@livecomments/server/moderation';
import type { TrainExample } from '../training/train.js';
import { davidsonSplit, readDavidson, readYoutube, YOUTUBE_VIDEOS } from './datasets.js';

/** The models the project ships. */
export type ModelName = 'spam' | 'toxicity';

/** The base data of a model, from the shared datasets. */
export function baseExamples(model: ModelName): TrainExample[] {
  if (model === 'spam')
    return YOUTUBE_VIDEOS.flatMap((v) => readYoutube(v)).map((r) => ({ text: r.text, label: r.label }));
  return davidsonSplit(readDavidson()).train.map((r) => ({ text: r.text, label: r.label }));
}

/** Class order of each model. */
export const MODEL_LABELS: Record<ModelName, string[]> = {
  spam: ['0', '1'],
  toxicity: ['hate', 'offensive', 'neither'],
};

/** Reasons that say a comment was held for abuse, which the toxicity model learns from. */
const ABUSE_REASONS = ['toxicity', 'identity_attack', 'harassment'];

/**
 * A moderator's decision as a training example of `model`, or null when it says nothing about
 * it: spam learns every decision except rejections held for abuse alone; toxicity learns
 * decisions on comments held for abuse. A rejected attack on a group is `hate`, another
 * rejection `offensive`, an approval `neither` (a false alarm to unlearn). So the attacks the
 * rules catch, once moderators confirm them, teach the model what it missed.
 */
export function learnedExample(model: ModelName, e: LabeledExample): TrainExample | null {
  const reasons = e.reasons ?? [];
  const abuse = reasons.some((r) => ABUSE_REASONS.includes(r));
  if (model === 'spam') {
    if (e.label === 'reject' && abuse && !reasons.includes('spam')) return null;
    return { text: e.text, label: e.label === 'reject' ? '1' : '0' };
  }
  if (!abuse) return null;
  if (e.label === 'approve') return { text: e.text, label: 'neither' };
  return { text: e.text, label: reasons.includes('identity_attack') ? 'hate' : 'offensive' };
}

/** Sources whose decisions retraining learns from by default: the global roles. */
export const TRUSTED_SOURCES: readonly ExampleSource[] = ['admin', 'moderator'];

/** Which learned examples to use: by default only those decided by `TRUSTED_SOURCES`. */
export interface RetrainOptions {
  /** Also learn from event owners' decisions and from examples of unknown source. */
  includeOwners?: boolean;
}

/** Whether an example's decision may teach the shared models. */
export function trusted(e: LabeledExample, options: RetrainOptions = {}): boolean {
  return options.includeOwners === true || (e.decidedBy !== undefined && TRUSTED_SOURCES.includes(e.decidedBy));
}

/** Base data plus the (trusted) learned examples of `dataDir`, as one training set. */
export function retrainExamples(
  model: ModelName,
  dataDir: string,
  base = baseExamples(model),
  options: RetrainOptions = {},
) {
  const all = readExamples(examplesPath(dataDir));
  const chosen = all.filter((e) => trusted(e, options));
  const learned = chosen.map((e) => learnedExample(model, e)).filter((e): e is TrainExample => e !== null);
  return { examples: [...base, ...learned], learned: learned.length, skipped: all.length - chosen.length };
}
