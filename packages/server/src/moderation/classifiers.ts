/**
 * The trained classifiers of the pipeline: spam (YouTube Spam Collection) and toxicity
 * (Davidson et al. hate / offensive / neither). Loaded once from model files; a missing or
 * broken file leaves that classifier out, with a warning, and the rest of the pipeline runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Counts } from './classifier/features.js';
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

/** Counts of a text for both models, counted once when their features are the same. */
export function sharedCounts(c: Classifiers, text: string): { spam?: Counts; toxicity?: Counts } {
  const spam = c.spam?.count(text);
  if (!c.toxicity) return spam ? { spam } : {};
  const same = spam && c.spam && JSON.stringify(c.spam.features) === JSON.stringify(c.toxicity.features);
  return spam ? { spam, toxicity: same ? spam : c.toxicity.count(text) } : { toxicity: c.toxicity.count(text) };
}

/** Probability of the positive class of a binary model (`spam`, `1`, or the last label). */
export function spamScore(model: LinearModel, text: string | Counts): number {
  const p = model.predict(text);
  for (const name of ['spam', '1', 'reject']) if (name in p) return p[name]!;
  return p[model.labels[model.labels.length - 1]!]!;
}

/** Toxicity = 1 - P(neither) for the three-class model, with P(hate) beside it. */
export function toxicityScores(model: LinearModel, text: string | Counts): { toxicity: number; hate?: number } {
  const p = model.predict(text);
  if ('neither' in p) {
    const out: { toxicity: number; hate?: number } = { toxicity: 1 - p.neither! };
    if ('hate' in p) out.hate = p.hate!;
    return out;
  }
  for (const name of ['toxic', '1', 'reject']) if (name in p) return { toxicity: p[name]! };
  return { toxicity: p[model.labels[model.labels.length - 1]!]! };
}
