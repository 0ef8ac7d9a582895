/**
 * The trained classifiers of the pipeline: spam (YouTube Spam Collection) and toxicity
 * (Davidson et al. hate / offensive / neither). Loaded once from model files; a missing or
 * broken file leaves that classifier out, with a warning, and the rest of the pipeline runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Counts, countFeatures, preprocess, shouting } from './classifier/features.js';
import { LinearModel } from './classifier/model.js';

/** Where the committed models are: `packages/server/models`. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

/** File names of the models in a model folder. */
export const MODEL_FILES = { spam: 'spam.json', toxicity: 'toxicity.json' } as const;

/** Somewhere to say that a model is missing. */
export interface ModerationLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

/** The loaded models (either may be absent). */
export interface Classifiers {
  spam: LinearModel | null;
  toxicity: LinearModel | null;
}

/** Loads the models of a folder; logs and skips what cannot be loaded. */
export function loadClassifiers(dir: string, logger?: ModerationLogger): Classifiers {
  const load = (name: keyof typeof MODEL_FILES): LinearModel | null => {
    const path = join(dir, MODEL_FILES[name]);
    if (!existsSync(path)) {
      logger?.warn({ path }, `moderation: no ${name} model, the ${name} classifier is off`);
      return null;
    }
    try {
      return LinearModel.load(path);
    } catch (error) {
      logger?.warn({ path, err: error }, `moderation: the ${name} model cannot be read, the ${name} classifier is off`);
      return null;
    }
  };
  return { spam: load('spam'), toxicity: load('toxicity') };
}

/**
 * Class priors of a live chat, for the scores the pipeline compares with thresholds. The models
 * are trained with balanced class weights on data that is half spam (YouTube) or mostly abusive
 * (Davidson), so a text they know nothing about gets 0.5 spam or 0.67 toxicity. Live chat is
 * mostly fine: the probabilities are re-weighted by these priors (Bayes' rule, prior shift), so
 * "what a goal!!" scores low while "check out my channel" still scores near 1. The evaluation
 * tables use the raw argmax (same priors as the data), not these.
 */
export const SERVING_PRIORS: Record<string, Record<string, number>> = {
  spam: { '0': 0.9, '1': 0.1 },
  toxicity: { hate: 0.05, offensive: 0.15, neither: 0.8 },
};

/** The class priors a model learnt: uniform when trained balanced, else the class shares. */
function trainingPriors(model: LinearModel): Record<string, number> {
  const options = model.meta.options as { balanced?: boolean } | undefined;
  const counts = model.meta.classCounts as Record<string, number> | undefined;
  const out: Record<string, number> = {};
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  for (const l of model.labels)
    out[l] = options?.balanced !== false || !counts || total === 0 ? 1 / model.labels.length : (counts[l] ?? 0) / total;
  return out;
}

/** Probabilities re-weighted from the training priors to `priors` (labels without a prior keep theirs). */
export function shiftPriors(model: LinearModel, p: Record<string, number>, priors: Record<string, number> | undefined) {
  if (!priors) return p;
  const from = trainingPriors(model);
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [l, v] of Object.entries(p)) {
    const to = priors[l];
    out[l] = to === undefined || !from[l] ? v : (v * to) / from[l]!;
    sum += out[l]!;
  }
  for (const l of Object.keys(out)) out[l] = out[l]! / sum;
  return out;
}

/**
 * Counts of a text for both models (toxicity may read another text, e.g. without expletives),
 * counted once when the models' features are the same and the texts are the same once cleaned
 * (links, mentions, case) and alike in shouting: most comments, since the spam model's folded
 * reading differs from the plain text mostly in case.
 */
export function sharedCounts(c: Classifiers, text: string, toxicityText = text): { spam?: Counts; toxicity?: Counts } {
  if (!c.spam) return c.toxicity ? { toxicity: c.toxicity.count(toxicityText) } : {};
  if (!c.toxicity) return { spam: c.spam.count(text) };
  if (!sameFeatures(c)) return { spam: c.spam.count(text), toxicity: c.toxicity.count(toxicityText) };
  const cleaned = preprocess(text);
  const spam = countFeatures(text, c.spam.features, cleaned);
  if (toxicityText === text) return { spam, toxicity: spam };
  const toxicityCleaned = preprocess(toxicityText);
  if (toxicityCleaned === cleaned && (!c.spam.features.cues || shouting(text) === shouting(toxicityText)))
    return { spam, toxicity: spam };
  return { spam, toxicity: countFeatures(toxicityText, c.toxicity.features, toxicityCleaned) };
}

const featureKeys = new WeakMap<LinearModel, string>();

/** True when both models featurise texts alike (compared once per model pair, not per comment). */
function sameFeatures(c: Classifiers): boolean {
  if (!c.spam || !c.toxicity) return false;
  const key = (m: LinearModel) => {
    let k = featureKeys.get(m);
    if (k === undefined) {
      k = JSON.stringify(m.features);
      featureKeys.set(m, k);
    }
    return k;
  };
  return key(c.spam) === key(c.toxicity);
}

/** Probability of the positive class of a binary model (`spam`, `1`, or the last label). */
export function spamScore(model: LinearModel, text: string | Counts, priors = SERVING_PRIORS.spam): number {
  const p = shiftPriors(model, model.predict(text), priors);
  for (const name of ['spam', '1', 'reject']) if (name in p) return p[name]!;
  return p[model.labels[model.labels.length - 1]!]!;
}

/**
 * Toxicity = 1 - P(neither) for the three-class model, with P(hate) beside it. The pipeline
 * passes the text without its unaimed expletives (`expletives.ts`), so the score is about abuse
 * of people, not about swearing, which the profanity policy handles.
 */
export function toxicityScores(
  model: LinearModel,
  text: string | Counts,
  priors = SERVING_PRIORS.toxicity,
): { toxicity: number; hate?: number } {
  const p = shiftPriors(model, model.predict(text), priors);
  if ('neither' in p) {
    const out: { toxicity: number; hate?: number } = { toxicity: 1 - p.neither! };
    if ('hate' in p) out.hate = p.hate!;
    return out;
  }
  for (const name of ['toxic', '1', 'reject']) if (name in p) return { toxicity: p[name]! };
  return { toxicity: p[model.labels[model.labels.length - 1]!]! };
}
