/** Turns command-line options into training options, on top of a preset. */
import { PRESETS } from '../training/presets.js';
import { DEFAULT_TRAIN, type TrainOptions } from '../training/train.js';
import { fail, numberList } from './args.js';

/** The training options the command line asks for. */
export function trainOptionsFrom(values: Record<string, string | boolean | undefined>): TrainOptions {
  const preset = values.preset as string | undefined;
  if (preset !== undefined && !(preset in PRESETS)) fail(`unknown preset ${preset} (spam, toxicity)`);
  const base = preset ? PRESETS[preset as keyof typeof PRESETS] : DEFAULT_TRAIN;
  const opts: TrainOptions = { ...base, features: { ...base.features } };
  const num = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number`);
    return n;
  };
  const flag = (name: string): boolean | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') fail(`--${name} must be true or false`);
    return v === 'true';
  };
  opts.c = num('c') ?? opts.c;
  opts.maxIterations = num('iterations') ?? opts.maxIterations;
  opts.idf = flag('idf') ?? opts.idf;
  opts.balanced = flag('balanced') ?? opts.balanced;
  if (values['tune-folds'] === '0') opts.tuneFolds = 0;
  else opts.tuneFolds = num('tune-folds') ?? opts.tuneFolds;
  const bits = num('bits');
  if (bits !== undefined) {
    if (!Number.isInteger(bits) || bits < 10 || bits > 24) fail('--bits must be a whole number from 10 to 24');
    opts.features.bits = bits;
  }
  if (typeof values['word-ngrams'] === 'string') opts.features.wordNgrams = numberList(values['word-ngrams']);
  if (typeof values['char-ngrams'] === 'string') {
    const [min = 0, max = 0] = numberList(values['char-ngrams']);
    opts.features.charMin = min;
    opts.features.charMax = max;
  }
  if (values['char-wb'] === true) opts.features.charWordBounded = true;
  if (values['block-norm'] === true) opts.features.blockNorm = true;
  return opts;
}
