/**
 * The labelled data the classifiers are trained and measured on, read where they live
 * (`../shared/datasets` beside the repository, or `LC_DATASETS_DIR`), never copied in.
 * The splits follow /work/shared/datasets/BASELINES.md so the figures compare with the
 * published ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { permutation } from './numpy-random.js';

/** One labelled text. */
export interface LabeledText {
  text: string;
  label: string;
  /** The other columns of its row. */
  row: Record<string, string>;
}

/** The repository root: the nearest folder upwards whose package.json declares workspaces. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Where the shared datasets are: `LC_DATASETS_DIR`, else `../shared/datasets` from the repository root. */
export function datasetsDir(): string {
  return process.env.LC_DATASETS_DIR ? resolve(process.env.LC_DATASETS_DIR) : resolve(repoRoot(), '../shared/datasets');
}

/** Reads a CSV file with a header; `textColumn` and `labelColumn` name the columns used. */
export function readLabeledCsv(path: string, textColumn: string, labelColumn: string): LabeledText[] {
  const rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true, bom: true }) as Record<
    string,
    string
  >[];
  if (rows.length > 0) {
    for (const col of [textColumn, labelColumn])
      if (!(col in rows[0]!)) throw new Error(`${path}: no column "${col}" (have ${Object.keys(rows[0]!).join(', ')})`);
  }
  return rows.map((row) => ({ text: row[textColumn] ?? '', label: String(row[labelColumn] ?? '').trim(), row }));
}

/** The five videos of the YouTube Spam Collection, in file order. */
export const YOUTUBE_VIDEOS = [
  'Youtube01-Psy',
  'Youtube02-KatyPerry',
  'Youtube03-LMFAO',
  'Youtube04-Eminem',
  'Youtube05-Shakira',
];

/** A train/test split. */
export interface Split {
  train: LabeledText[];
  test: LabeledText[];
}

/** One video's comments (CONTENT, CLASS: 1 spam, 0 ham). */
export function readYoutube(video: string, dir = datasetsDir()): LabeledText[] {
  return readLabeledCsv(join(dir, 'youtube-spam', `${video}.csv`), 'CONTENT', 'CLASS');
}

/**
 * The TubeSpam protocol: per class, the first 70% (`int(0.7 * n)`) of that class's rows in file
 * order train, the rest test. No shuffling.
 */
export function youtubeSplit(rows: LabeledText[]): Split {
  const train: LabeledText[] = [];
  const test: LabeledText[] = [];
  for (const label of [...new Set(rows.map((r) => r.label))].sort()) {
    const ofClass = rows.filter((r) => r.label === label);
    const cut = Math.floor(0.7 * ofClass.length);
    train.push(...ofClass.slice(0, cut));
    test.push(...ofClass.slice(cut));
  }
  return { train, test };
}

/** Davidson et al. class names by the `class` column's value. */
export const DAVIDSON_LABELS: Record<string, string> = { '0': 'hate', '1': 'offensive', '2': 'neither' };

/** The Davidson columns counting each class's annotator votes, in `hate, offensive, neither` order. */
export const DAVIDSON_VOTE_COLUMNS = ['hate_speech', 'offensive_language', 'neither'];

/** The Davidson tweets with `label` as hate / offensive / neither. */
export function readDavidson(dir = datasetsDir()): LabeledText[] {
  return readLabeledCsv(join(dir, 'davidson-hate-offensive', 'labeled_data.csv'), 'tweet', 'class').map((r) => ({
    ...r,
    label: DAVIDSON_LABELS[r.label] ?? r.label,
  }));
}

/**
 * The authors' held-out split: scikit-learn `train_test_split(test_size=0.1, random_state=42)`
 * over the rows in file order, i.e. the first ceil(0.1 n) of numpy's permutation(42) test, the
 * rest train. For the 24,783 tweets: 2,479 test (164 hate), 22,304 train.
 */
export function davidsonSplit(rows: LabeledText[]): Split {
  const perm = permutation(42, rows.length);
  const nTest = Math.ceil(0.1 * rows.length);
  return { test: perm.slice(0, nTest).map((i) => rows[i]!), train: perm.slice(nTest).map((i) => rows[i]!) };
}
