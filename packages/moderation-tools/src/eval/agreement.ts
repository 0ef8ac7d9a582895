/**
 * How well the labels of a dataset agree with themselves, as a yardstick for a model's scores.
 * Each Davidson tweet's label is the majority of a few annotators' votes. A second panel of the
 * same size, whose members vote by the tweet's own vote shares, is scored against the labels:
 * roughly how well another group of people would do. The estimate is optimistic (a tweet every
 * annotator agreed on is taken as certain), so a model target far below it is not ruled out by
 * the labels' noise, and one above it would be.
 */
import { multiScores } from './metrics.js';
import { MersenneTwister } from './numpy-random.js';

/** A labelled item with its annotators' votes, one count per class in `labels` order. */
export interface VotedItem {
  label: string;
  votes: number[];
}

/** Mean per-class F1, macro and weighted F1 of simulated second panels against the labels. */
export interface PanelAgreement {
  f1: Record<string, number>;
  macroF1: number;
  weightedF1: number;
}

/**
 * Scores `rounds` simulated panels of `panelSize` votes per item (ties broken at random) against
 * the items' labels and averages the scores. Deterministic for a seed.
 */
export function panelAgreement(
  items: VotedItem[],
  labels: string[],
  { panelSize = 3, rounds = 50, seed = 42 } = {},
): PanelAgreement {
  const rng = new MersenneTwister(seed);
  const uniform = () => rng.next() / 4294967296;
  const truth = items.map((i) => i.label);
  const f1 = Object.fromEntries(labels.map((l) => [l, 0]));
  let macroF1 = 0;
  let weightedF1 = 0;
  for (let r = 0; r < rounds; r++) {
    const panel = items.map((item) => labels[panelVote(item.votes, panelSize, uniform)]!);
    const s = multiScores(truth, panel, labels);
    for (const c of s.classes) f1[c.label]! += c.f1 / rounds;
    macroF1 += s.macroF1 / rounds;
    weightedF1 += s.weightedF1 / rounds;
  }
  return { f1, macroF1, weightedF1 };
}

/** The majority class of `size` votes drawn from `votes` (counts per class). */
function panelVote(votes: number[], size: number, uniform: () => number): number {
  const total = votes.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error('an item without votes');
  const got = new Array<number>(votes.length).fill(0);
  for (let j = 0; j < size; j++) {
    let u = uniform() * total;
    let c = 0;
    while (c < votes.length - 1 && u >= votes[c]!) u -= votes[c++]!;
    got[c]!++;
  }
  const most = Math.max(...got);
  const tied = got.flatMap((n, c) => (n === most ? [c] : []));
  return tied[Math.floor(uniform() * tied.length)]!;
}
