#!/usr/bin/env node
/**
 * `npm run bench:moderation`: the pipeline's added latency per comment, over the texts of both
 * datasets (YouTube and Davidson), with the shipped models and every in-memory stage on
 * (blocked terms, profanity, links, heuristics, language allow-list, classifiers, context,
 * repetition checks on an in-memory RecentSet). Prints p50, p99 and max in milliseconds.
 * `-- --languages` also turns on a language allow-list (franc costs about 0.1-0.3 ms a comment).
 * `-- --adversarial` times crafted worst cases instead (`adversarial.ts` in the server's moderation folder): comments of the
 * largest length against the longest blocked-terms lists, with every stage on.
 */
import { loadavg } from 'node:os';
import type { ModerationInput, Moderator } from '@livecomments/server/moderation';
import {
  adversarialTerms,
  adversarialTexts,
  createModerator,
  DEFAULT_SETTINGS,
  LIMITS,
  MemoryRecentSet,
  normaliseText,
} from '@livecomments/server/moderation';
import { readDavidson, readYoutube, YOUTUBE_VIDEOS } from '../eval/datasets.js';
import { fmt, parse } from './args.js';

const SETTINGS = {
  ...DEFAULT_SETTINGS,
  blockedTerms: ['idiot', 'scam', 'free money', 'loser'],
  uniqueChat: true,
  allowedDomains: ['youtube.com'],
};

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Per-comment wall times, CPU time and the slowest text of one terms list over the crafted texts. */
async function timeList(moderator: Moderator, blockedTerms: string[], texts: [string, string][]) {
  const settings = { ...SETTINGS, blockedTerms, maxCommentChars: LIMITS.commentChars, languages: ['eng', 'spa'] };
  const times: number[] = [];
  const worst = new Map<string, number>();
  let cpuMs = 0;
  for (let round = 0; round < 6; round++) {
    for (const [name, raw] of texts) {
      const text = normaliseText(raw);
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await moderator.check({ eventId: 'bench', user: { id: `u${round}`, name: 'bench' }, text, settings, now: round });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (round === 0) continue; // warm-up: compiles the terms and the code paths
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
      times.push(ms);
      worst.set(name, Math.max(worst.get(name) ?? 0, ms));
    }
  }
  times.sort((a, b) => a - b);
  const slowest = [...worst].sort((a, b) => b[1] - a[1])[0]!;
  return { times, cpuMs: cpuMs / times.length, slowest };
}

/** Crafted worst cases: every text against each longest terms list, a few rounds each. */
async function adversarial(): Promise<void> {
  const moderator = createModerator({ dataDir: '/tmp/livecomments-bench', recent: new MemoryRecentSet() });
  const texts = Object.entries(adversarialTexts());
  console.log(
    `moderation pipeline over ${texts.length} crafted comments of ${LIMITS.commentChars} characters, ${LIMITS.terms} blocked terms of up to ${LIMITS.termChars} letters, every stage on (node ${process.version})`,
  );
  for (const [list, blockedTerms] of Object.entries(adversarialTerms())) {
    const { times, cpuMs, slowest } = await timeList(moderator, blockedTerms, texts);
    console.log(
      `terms "${list}": p50 ${fmt(quantile(times, 0.5))} ms  p99 ${fmt(quantile(times, 0.99))} ms  max ${fmt(times[times.length - 1]!)} ms (${slowest[0]})  CPU ${fmt(cpuMs)} ms per comment`,
    );
  }
  await moderator.close();
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

async function main(): Promise<void> {
  const { values } = parse(
    { languages: { type: 'boolean' }, adversarial: { type: 'boolean' } },
    'usage: npm run bench:moderation [-- --languages | --adversarial]',
  );
  if (values.adversarial) return adversarial();
  const settings = values.languages ? { ...SETTINGS, languages: ['eng', 'spa'] } : SETTINGS;
  const texts = [...YOUTUBE_VIDEOS.flatMap((v) => readYoutube(v)), ...readDavidson()].map((r) =>
    r.text
      .normalize('NFC')
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .trim(),
  );
  const moderator = createModerator({ dataDir: '/tmp/livecomments-bench', recent: new MemoryRecentSet() });
  const input = (text: string, i: number): ModerationInput => ({
    eventId: 'bench',
    user: { id: `u${i % 500}`, name: 'bench' },
    text,
    settings,
    now: Date.now(),
  });
  for (let i = 0; i < 2000; i++) await moderator.check(input(texts[i % texts.length]!, i)); // warm-up
  const times: number[] = [];
  // CPU time of each comment too: on a shared machine the wall time includes waits for a core.
  const cpuTimes: number[] = [];
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i++) {
    const before = process.cpuUsage();
    const start = process.hrtime.bigint();
    await moderator.check(input(texts[i]!, i));
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const spent = process.cpuUsage(before);
    cpuTimes.push((spent.user + spent.system) / 1000);
  }
  const used = process.cpuUsage(cpu);
  const elapsed = Number(process.hrtime.bigint() - wall) / 1e6;
  await moderator.close();
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `moderation pipeline over ${times.length} dataset texts (node ${process.version}, language allow-list ${values.languages ? 'on' : 'off'})`,
  );
  console.log(
    `p50 ${fmt(quantile(times, 0.5))} ms  p99 ${fmt(quantile(times, 0.99))} ms  p99.9 ${fmt(quantile(times, 0.999))} ms  max ${fmt(times[times.length - 1]!)} ms  mean ${fmt(mean)} ms`,
  );
  // On a shared machine the wall-clock figures include time the process waited for a core.
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `CPU time per comment: p50 ${fmt(quantile(cpuTimes, 0.5))} ms  p99 ${fmt(quantile(cpuTimes, 0.99))} ms  p99.9 ${fmt(quantile(cpuTimes, 0.999))} ms`,
  );
  console.log(
    `CPU time ${fmt(cpuMs / texts.length)} ms per comment; the process had the CPU ${((100 * cpuMs) / elapsed).toFixed(0)}% of the run; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();
