#!/usr/bin/env node
/**
 * `npm run eval:moderation`: the quality tables of the README, beside the published anchors
 * (../shared/datasets/BASELINES.md). YouTube: the `spam` preset trained and tested on each video
 * by the TubeSpam protocol (per-class positional 70/30). Davidson: the committed toxicity model
 * (trained on the training part only) on the authors' held-out 10% (`--train` retrains it first,
 * `--model` reads another), and how well a second human panel agrees with the labels. Then what
 * the whole pipeline, with the committed models, does with hand-made live chat and with the
 * held-out tweets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModerator,
  DEFAULT_MODEL_DIR,
  DEFAULT_SETTINGS,
  LinearModel,
  MemoryRecentSet,
  MODEL_FILES,
  normaliseText,
} from '@livecomments/server/moderation';
import { panelAgreement } from '../eval/agreement.js';
import { baseExamples, MODEL_LABELS } from '../eval/base-data.js';
import {
  DAVIDSON_VOTE_COLUMNS,
  davidsonSplit,
  type LabeledText,
  readDavidson,
  readLabeledCsv,
  readYoutube,
  repoRoot,
  YOUTUBE_VIDEOS,
  youtubeSplit,
} from '../eval/datasets.js';
import { binaryScores, multiScores } from '../eval/metrics.js';
import { PRESETS } from '../training/presets.js';
import { train } from '../training/train.js';
import { fmt, parse } from './args.js';

/** Hand-made live chat in four groups: cheering with swear words, innocent, insults, attacks on a group. */
const LIVE_CHAT = join(repoRoot(), 'packages/moderation-tools/fixtures/live-chat.csv');

/** Live chat labelled by AutoMod category, split `dev`, `heldout1` (seen) and `heldout2` (unseen) (README, "Moderation"). */
const AUTOMOD_CHAT = join(repoRoot(), 'packages/moderation-tools/fixtures/live-chat-automod.csv');
/** The split nobody has tuned on (`--heldout`); `heldout1` was scored once, then used for development. */
export const HELDOUT = 'heldout2';
/** The categories of that file that are abuse (beside `spam` and `ok`). */
const TOXIC = ['threat', 'sexual', 'slur', 'hate', 'selfharm', 'insult'];

/** Published MCC per video: best of 12 classifiers, and logistic regression (BASELINES.md §1). */
const YOUTUBE_ANCHORS: Record<string, { best: number; logistic: number }> = {
  'Youtube01-Psy': { best: 0.925, logistic: 0.907 },
  'Youtube02-KatyPerry': { best: 0.893, logistic: 0.855 },
  'Youtube03-LMFAO': { best: 0.955, logistic: 0.925 },
  'Youtube04-Eminem': { best: 0.955, logistic: 0.941 },
  'Youtube05-Shakira': { best: 0.931, logistic: 0.876 },
};

/** Published held-out scores of Davidson et al. (BASELINES.md §2b). */
const DAVIDSON_ANCHORS: Record<string, { precision: number; recall: number; f1: number }> = {
  hate: { precision: 0.44, recall: 0.59, f1: 0.51 },
  offensive: { precision: 0.96, recall: 0.91, f1: 0.93 },
  neither: { precision: 0.83, recall: 0.94, f1: 0.88 },
};

/** Per-video MCC of the spam preset; returns the MCCs in video order. */
export function youtubeTable(print: (line: string) => void = console.log): number[] {
  print(
    'YouTube Spam Collection, per video, TubeSpam split (per class: first 70% train, rest test), one configuration',
  );
  print(
    '| video | test spam/ham | accuracy | precision | recall | F1 | MCC | anchor: best of 12 MCC | anchor: logistic MCC |',
  );
  print('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const mccs: number[] = [];
  for (const video of YOUTUBE_VIDEOS) {
    const { train: tr, test } = youtubeSplit(readYoutube(video));
    const model = train(
      tr.map((r) => ({ text: r.text, label: r.label })),
      { ...PRESETS.spam, labels: ['0', '1'] },
    );
    const s = binaryScores(
      test.map((r) => r.label),
      test.map((r) => model.classify(r.text)),
      '1',
    );
    mccs.push(s.mcc);
    const a = YOUTUBE_ANCHORS[video]!;
    print(
      `| ${video} | ${s.tp + s.fn}/${s.tn + s.fp} | ${fmt(s.accuracy)} | ${fmt(s.precision)} | ${fmt(s.recall)} | ${fmt(s.f1)} | **${fmt(s.mcc)}** | ${fmt(a.best)} | ${fmt(a.logistic)} |`,
    );
  }
  const mean = mccs.reduce((x, y) => x + y, 0) / mccs.length;
  print(`| **mean** | | | | | | **${fmt(mean)}** | 0.932 | 0.901 |`);
  print(`min MCC ${fmt(Math.min(...mccs))}; target: mean >= 0.94, no video < 0.90`);
  return mccs;
}

/**
 * Leave one video out: the `spam` preset trained on four videos' comments (all of them), tested
 * on every comment of the fifth, for each video. Measures spam of a video the model never saw
 * (other songs, other spammers), which the per-video split does not. Returns the MCCs.
 */
export function leaveOneVideoOutTable(print: (line: string) => void = console.log): number[] {
  print('');
  print(
    'YouTube Spam Collection, leave one video out (train on the other four videos, test on this one), `spam` preset',
  );
  print('| held-out video | spam/ham | accuracy | precision | recall | F1 | MCC |');
  print('|---|---|---:|---:|---:|---:|---:|');
  const videos = YOUTUBE_VIDEOS.map((v) => ({ video: v, rows: readYoutube(v) }));
  const mccs: number[] = [];
  for (const { video, rows: test } of videos) {
    const tr = videos.filter((v) => v.video !== video).flatMap((v) => v.rows);
    const model = train(
      tr.map((r) => ({ text: r.text, label: r.label })),
      { ...PRESETS.spam, labels: ['0', '1'] },
    );
    const s = binaryScores(
      test.map((r) => r.label),
      test.map((r) => model.classify(r.text)),
      '1',
    );
    mccs.push(s.mcc);
    print(
      `| ${video} | ${s.tp + s.fn}/${s.tn + s.fp} | ${fmt(s.accuracy)} | ${fmt(s.precision)} | ${fmt(s.recall)} | ${fmt(s.f1)} | **${fmt(s.mcc)}** |`,
    );
  }
  const mean = mccs.reduce((x, y) => x + y, 0) / mccs.length;
  print(`| **mean** | | | | | | **${fmt(mean)}** |`);
  print(`min MCC ${fmt(Math.min(...mccs))}; target: mean >= 0.92`);
  return mccs;
}

/** The Davidson held-out table; returns macro F1, hate F1 and weighted F1. */
function davidsonTable(model: LinearModel, test: LabeledText[], print: (line: string) => void = console.log) {
  const labels = MODEL_LABELS.toxicity;
  const s = multiScores(
    test.map((r) => r.label),
    test.map((r) => model.classify(r.text)),
    labels,
  );
  print('');
  print(
    `Davidson et al. hate / offensive / neither, held-out 10% (train_test_split random_state=42: ${test.length} tweets)`,
  );
  print('| class | precision | recall | F1 | support | anchor P / R / F1 |');
  print('|---|---:|---:|---:|---:|---:|');
  for (const c of s.classes) {
    const a = DAVIDSON_ANCHORS[c.label]!;
    print(
      `| ${c.label} | ${fmt(c.precision)} | ${fmt(c.recall)} | **${fmt(c.f1)}** | ${c.support} | ${a.precision} / ${a.recall} / ${a.f1} |`,
    );
  }
  print(`| **macro F1** | | | **${fmt(s.macroF1)}** | | 0.77 (derived) |`);
  print(`| weighted F1 | | | ${fmt(s.weightedF1)} | | 0.90 |`);
  print('target: macro F1 >= 0.80, hate F1 >= 0.55');
  const votes = DAVIDSON_VOTE_COLUMNS;
  const people = panelAgreement(
    test.map((r) => ({ label: r.label, votes: votes.map((col) => Number(r.row[col])) })),
    labels,
  );
  print(
    `label agreement: a second panel of 3 voting by each test tweet's own vote shares scores hate F1 ${fmt(people.f1.hate!)}, macro F1 ${fmt(people.macroF1)}, weighted F1 ${fmt(people.weightedF1)} against the labels (mean of 50 panels; optimistic)`,
  );
  return { macroF1: s.macroF1, hateF1: s.classes[0]!.f1, weightedF1: s.weightedF1 };
}

/** The rules that hold attacks on a group or a person (`identity.ts`, `harassment.ts`). */
const ATTACK_RULES = new Set(['identity_attack', 'harassment']);

/** What the whole pipeline (default settings) does with labelled texts, group by group. */
async function pipelineTable(
  title: string,
  rows: { text: string; group: string }[],
  groups: string[],
  print: (line: string) => void,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-eval-'));
  const moderator = createModerator({ dataDir, recent: new MemoryRecentSet() });
  const tally = new Map(groups.map((g) => [g, { n: 0, approve: 0, hold: 0, block: 0, attackRulesAlone: 0 }]));
  try {
    let n = 0;
    for (const row of rows) {
      // A new author each time, so that repeat checks and author context stay out of it.
      const r = await moderator.check({
        eventId: 'eval',
        user: { id: `u${n}`, name: 'u' },
        // As the ingest path hands it over (a text that normalises to nothing never gets here).
        text: normaliseText(row.text) || row.text,
        settings: DEFAULT_SETTINGS,
        now: 1_000_000 + n++,
      });
      const t = tally.get(row.group)!;
      t.n++;
      t[r.verdict]++;
      const byAttackRule = r.reasons.some((x) => ATTACK_RULES.has(x));
      const byNothingElse = r.reasons.every((x) => ATTACK_RULES.has(x) || x === 'profanity_masked');
      if (r.verdict === 'hold' && byAttackRule && byNothingElse) t.attackRulesAlone++;
    }
  } finally {
    await moderator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  print('');
  print(title);
  print('| group | n | approve | hold | block | held by the attack rules alone |');
  print('|---|---:|---:|---:|---:|---:|');
  for (const [g, t] of tally)
    print(`| ${g} | ${t.n} | ${t.approve} | ${t.hold} | ${t.block} | ${t.attackRulesAlone} |`);
}

/**
 * Caught (held or blocked) and false-alarm rates per category of the AutoMod live chat, one
 * split, default settings, each line from a new author. `misses` prints what went wrong.
 */
export async function automodTable(
  split: string,
  print: (line: string) => void = console.log,
  misses = false,
  file = AUTOMOD_CHAT,
): Promise<Record<string, { n: number; hold: number; block: number }>> {
  const rows = readLabeledCsv(file, 'text', 'category').filter((r) => r.row.split === split);
  if (rows.length === 0) {
    print('');
    print(`AutoMod live chat: no line of split ${split} in ${file}`);
    return {};
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-eval-'));
  const moderator = createModerator({ dataDir, recent: new MemoryRecentSet() });
  const tally: Record<string, { n: number; hold: number; block: number }> = {};
  const add = (group: string, verdict: string) => {
    const t = tally[group] ?? { n: 0, hold: 0, block: 0 };
    tally[group] = t;
    t.n++;
    if (verdict === 'hold') t.hold++;
    if (verdict === 'block') t.block++;
  };
  try {
    let n = 0;
    for (const row of rows) {
      const r = await moderator.check({
        eventId: 'eval',
        user: { id: `u${n}`, name: 'u' },
        text: normaliseText(row.text) || row.text,
        settings: DEFAULT_SETTINGS,
        now: 1_000_000 + n++,
      });
      add(row.label, r.verdict);
      if (row.label !== 'ok' && row.label !== 'spam') add('toxic (all)', r.verdict);
      const wrong = row.label === 'ok' ? r.verdict !== 'approve' : r.verdict === 'approve';
      if (misses && wrong) print(`  ${row.label}: ${r.verdict} [${r.reasons.join(' ')}] ${row.text}`);
    }
  } finally {
    await moderator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const pct = (x: number, n: number) => `${((100 * x) / Math.max(1, n)).toFixed(1)}%`;
  print('');
  const name = file.startsWith(repoRoot()) ? file.slice(repoRoot().length + 1) : file;
  print(`AutoMod live chat (${name}), split ${split}, default levels (medium)`);
  print('| category | n | caught (held or blocked) | blocked | held | target |');
  print('|---|---:|---:|---:|---:|---|');
  const targets: Record<string, string> = {
    spam: '>= 85%',
    'toxic (all)': '>= 85%',
    threat: '>= 75%',
    sexual: '>= 75%',
    slur: '>= 75%',
    ok: 'blocked <= 0.5%, held <= 2%',
  };
  for (const g of ['spam', ...TOXIC, 'toxic (all)', 'ok']) {
    const t = tally[g];
    if (!t) continue;
    print(
      `| ${g} | ${t.n} | ${pct(t.hold + t.block, t.n)} | ${pct(t.block, t.n)} | ${pct(t.hold, t.n)} | ${targets[g] ?? ''} |`,
    );
  }
  return tally;
}

async function main(): Promise<void> {
  const { values } = parse(
    {
      train: { type: 'boolean' },
      model: { type: 'string' },
      heldout: { type: 'boolean' },
      split: { type: 'string' },
      misses: { type: 'boolean' },
      'automod-only': { type: 'boolean' },
      chat: { type: 'string' },
      loo: { type: 'boolean' },
    },
    'usage: npm run eval:moderation [-- --train | --model toxicity.json] [--heldout | --split name[,name]] [--misses] [--automod-only] [--chat other.csv] [--loo]',
  );
  // `--loo`: only the leave-one-video-out table (spam of videos the model never saw).
  if (values.loo) {
    leaveOneVideoOutTable();
    return;
  }
  // `--chat`: another live-chat file of the same columns (text, category, split) instead of ours.
  const file = (values.chat as string | undefined) ?? AUTOMOD_CHAT;
  await automodTable('dev', console.log, Boolean(values.misses), file);
  // `--split`: other splits by name (`heldout1`: scored once before the current rules, then
  // used for development, so it is seen). `--heldout`: the unseen split, scored only on demand
  // and never for tuning (README, "Moderation").
  const splits = ((values.split as string | undefined) ?? '').split(',').filter((s) => s.length > 0);
  if (values.heldout) splits.push(HELDOUT);
  for (const split of splits) await automodTable(split, console.log, Boolean(values.misses), file);
  if (values['automod-only']) return;
  youtubeTable();
  leaveOneVideoOutTable();
  const model = values.train
    ? train(baseExamples('toxicity'), { ...PRESETS.toxicity, labels: MODEL_LABELS.toxicity })
    : LinearModel.load((values.model as string | undefined) ?? join(DEFAULT_MODEL_DIR, MODEL_FILES.toxicity));
  const { test } = davidsonSplit(readDavidson());
  davidsonTable(model, test);
  const chat = readLabeledCsv(LIVE_CHAT, 'text', 'group');
  await pipelineTable(
    `The whole pipeline, default settings, committed models, on hand-made live chat (${LIVE_CHAT.slice(repoRoot().length + 1)})`,
    chat.map((r) => ({ text: r.text, group: r.label })),
    [...new Set(chat.map((r) => r.label))],
    console.log,
  );
  await pipelineTable(
    'The whole pipeline, default settings, committed models, on the Davidson held-out tweets',
    test.map((r) => ({ text: r.text, group: r.label })),
    MODEL_LABELS.toxicity,
    console.log,
  );
}

await main();
