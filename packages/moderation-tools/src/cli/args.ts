/** Small helpers the moderation commands share: options, errors, number formatting. */
import { parseArgs } from 'node:util';
import { readLabeledCsv } from '../eval/datasets.js';
import type { TrainExample } from '../training/train.js';

/** Options every training command understands. */
export const TRAIN_OPTIONS = {
  preset: { type: 'string' },
  c: { type: 'string' },
  bits: { type: 'string' },
  'word-ngrams': { type: 'string' },
  'char-ngrams': { type: 'string' },
  'char-wb': { type: 'boolean' },
  idf: { type: 'string' },
  balanced: { type: 'string' },
  iterations: { type: 'string' },
  'tune-folds': { type: 'string' },
  'block-norm': { type: 'boolean' },
} satisfies OptionSpecs;

/** Parsed command line: option values by name, then the positional arguments. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Option specs as `node:util` `parseArgs` takes them. */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean' }>;

/** Parses the process arguments; prints usage and exits on a mistake. */
export function parse(options: OptionSpecs, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      options: { ...options, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    fail(`${(error as Error).message}\n\n${usage}`);
  }
}

/** Prints an error and exits with status 2. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** A number to `digits` decimals. */
export function fmt(n: number, digits = 3): string {
  return n.toFixed(digits);
}

/** Parses "1,2" as [1, 2]. */
export function numberList(s: string): number[] {
  return s.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isInteger(n) || n < 0) fail(`not a list of whole numbers: ${s}`);
    return n;
  });
}

/** Parses "0=hate,1=offensive" into a map. */
export function labelMap(spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of spec ? spec.split(',') : []) {
    const [from, to] = pair.split('=');
    if (from === undefined || to === undefined) fail(`bad --label-map entry: ${pair}`);
    map.set(from.trim(), to.trim());
  }
  return map;
}

/** Reads labelled CSV files as training examples. */
export function examplesFromCsv(files: string[], textColumn: string, labelColumn: string, map: Map<string, string>) {
  return files.flatMap((f) =>
    readLabeledCsv(f, textColumn, labelColumn).map(
      (r): TrainExample => ({ text: r.text, label: map.get(r.label) ?? r.label }),
    ),
  );
}
