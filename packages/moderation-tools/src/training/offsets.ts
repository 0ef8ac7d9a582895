/**
 * Decision offsets: per-class amounts added to the log-probabilities before picking a class,
 * chosen to maximise macro F1 on out-of-fold predictions of the training data (never on a test
 * part). Balanced class weights alone over-predict a small class such as Davidson's `hate`; an
 * offset moves each boundary to where the classes' F1 balance best.
 */
import { decideClass } from '@livecomments/server/moderation';

/** Offsets tried for each class (the first class stays at 0: only differences matter). */
const GRID = Array.from({ length: 61 }, (_, i) => (i - 30) / 10);
/** Rounds of coordinate ascent over the classes. */
const ROUNDS = 3;

/** Macro F1 of the classes picked from `probs` with `offsets`, against the true class indices. */
export function macroF1Of(
  probs: readonly ArrayLike<number>[],
  truth: readonly number[],
  offsets: ArrayLike<number>,
): number {
  const k = offsets.length;
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  for (let i = 0; i < probs.length; i++) {
    const got = decideClass(probs[i]!, offsets);
    const want = truth[i]!;
    if (got === want) tp[got]!++;
    else {
      fp[got]!++;
      fn[want]!++;
    }
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const d = 2 * tp[c]! + fp[c]! + fn[c]!;
    sum += d === 0 ? 0 : (2 * tp[c]!) / d;
  }
  return sum / k;
}

/** Offsets (-3 to 3 in steps of 0.1, by coordinate ascent) that maximise macro F1. Deterministic. */
export function tuneOffsets(probs: readonly ArrayLike<number>[], truth: readonly number[], k: number) {
  const offsets = new Float64Array(k);
  const before = macroF1Of(probs, truth, offsets);
  for (let round = 0; round < ROUNDS; round++) {
    let moved = false;
    for (let c = 1; c < k; c++) {
      const v = bestOffset(probs, truth, offsets, c);
      moved ||= v !== offsets[c];
      offsets[c] = v;
    }
    if (!moved) break;
  }
  return { offsets: Array.from(offsets), macroF1: macroF1Of(probs, truth, offsets), before };
}

/** The grid value of class `c`'s offset with the best macro F1, others fixed (ties: closest to 0). */
function bestOffset(
  probs: readonly ArrayLike<number>[],
  truth: readonly number[],
  offsets: Float64Array,
  c: number,
): number {
  let best = -1;
  let bestV = 0;
  for (const v of GRID) {
    offsets[c] = v;
    const f = macroF1Of(probs, truth, offsets);
    if (f > best + 1e-12 || (Math.abs(f - best) <= 1e-12 && Math.abs(v) < Math.abs(bestV))) {
      best = f;
      bestV = v;
    }
  }
  return bestV;
}
