// Search: how fast `GET /v1/events/:eventId/search` answers over one event of many comments
// (1,000,000 by default). The chat is written straight into the store (and indexed), then a real
// server on that data answers random word, phrase and author searches, one at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuery, SqliteStore } from '@livecomments/server';
import { Histogram } from './histogram.js';
import type { Options } from './options.js';
import { loadAverage } from './proc.js';
import { serviceToken, startServer } from './server.js';

/** A small deterministic generator (mulberry32), so every run searches the same chat. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'po', 've', 'za', 'do', 'gu', 'be', 'fi', 'ya', 'xo'];
const WORDS = 20_000;
const AUTHORS = 50_000;

/** A vocabulary of made-up words, and a Zipf-like pick (a few words are very common, most rare). */
function vocabulary(rnd: () => number): { words: string[]; pick: () => string } {
  const words = Array.from({ length: WORDS }, (_, i) => {
    let w = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
    return w;
  });
  // Rank r has weight 1/r: the inverse of the harmonic cumulative, approximated by exp.
  const pick = () => words[Math.min(WORDS - 1, Math.floor(Math.exp(rnd() * Math.log(WORDS)) - 1))]!;
  return { words, pick };
}

function commentText(rnd: () => number, pick: () => string): string {
  const n = 3 + Math.floor(rnd() * 12);
  return Array.from({ length: n }, pick).join(' ');
}

const SETTINGS = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 60,
  moderation: { spamBlock: 0.8, spamHold: 0.6, toxicityBlock: 0.9, toxicityHold: 0.7, shadow: false },
};

/** Writes `total` comments of one event into a fresh SQLite store and indexes them. */
async function seed(
  dir: string,
  total: number,
): Promise<{ eventId: string; start: number; seedS: number; indexS: number }> {
  const store = new SqliteStore(join(dir, 'livecomments.db'), { writer: 'inline', synchronous: 'NORMAL' });
  await store.migrate();
  const eventId = 'ev_search_bench';
  const start = Date.now() - total * 10;
  await store.createEvent({
    id: eventId,
    title: 'search bench',
    status: 'live',
    ownerId: 'bench',
    createdAt: start,
    lastSeq: 0,
    settings: SETTINGS,
  });
  const rnd = random(1);
  const { pick } = vocabulary(rnd);
  const t0 = performance.now();
  for (let i = 0; i < total; ) {
    const items = [];
    for (let k = 0; k < 5000 && i < total; k++, i++) {
      const user = `u${Math.floor(rnd() * AUTHORS)}`;
      items.push({
        eventId,
        entry: {
          type: 'comment' as const,
          comment: {
            id: `c_${String(i).padStart(9, '0')}`,
            eventId,
            seq: 0,
            user: { id: user, name: user },
            text: commentText(rnd, pick),
            createdAt: start + i * 10,
          },
        },
      });
    }
    await store.append(items);
    if (i % 100_000 === 0) process.stderr.write(`seeded ${i}\n`);
  }
  const t1 = performance.now();
  let indexed = 0;
  for (let n = await store.indexLog(eventId, 10_000); n > 0; n = await store.indexLog(eventId, 10_000)) {
    indexed += n;
    if (indexed % 100_000 === 0) process.stderr.write(`indexed ${indexed}\n`);
  }
  const t2 = performance.now();
  await store.close();
  return { eventId, start, seedS: (t1 - t0) / 1000, indexS: (t2 - t1) / 1000 };
}

/** The kinds of search, with their share of the requests. */
const KINDS = ['word', 'common word', 'two words', 'phrase', 'author', 'author and word', 'time range'] as const;
type Kind = (typeof KINDS)[number];

/** One search: a word, two words, a phrase, an author, an author and a word, or a time range alone. */
interface Search {
  kind: Kind;
  q?: string;
  author?: string;
  to?: number;
}

/** The chat's times: its first comment's, and how long it runs (ms). */
interface Span {
  start: number;
  ms: number;
}

function searchOf(rnd: () => number, pick: () => string, commonWords: string[], span: Span): Search {
  const kind = rnd();
  const author = () => `u${Math.floor(rnd() * AUTHORS)}`;
  // Everything before a time anywhere in the chat: one page walks a bounded window of it.
  if (kind < 0.05) return { kind: 'time range', to: span.start + Math.floor(rnd() * span.ms) };
  if (kind < 0.3) return { kind: 'word', q: pick() };
  if (kind < 0.45) return { kind: 'common word', q: commonWords[Math.floor(rnd() * commonWords.length)]! };
  if (kind < 0.6) return { kind: 'two words', q: `${pick()} ${pick()}` };
  if (kind < 0.8) return { kind: 'phrase', q: `"${pick()} ${pick()}"` };
  if (kind < 0.9) return { kind: 'author', author: author() };
  return { kind: 'author and word', author: author(), q: pick() };
}

function queryString(s: Search): string {
  const parts = [];
  if (s.q !== undefined) parts.push(`q=${encodeURIComponent(s.q)}`);
  if (s.author !== undefined) parts.push(`author=${s.author}`);
  if (s.to !== undefined) parts.push(`to=${s.to}`);
  return parts.join('&');
}

/** p50 and p99 in ms, of a histogram of microseconds. */
function summary(h: Histogram): { n: number; p50: number; p99: number } {
  return { n: h.total, p50: h.quantile(0.5) / 1000, p99: h.quantile(0.99) / 1000 };
}

/**
 * The same mix straight on the store in this process (no HTTP, no server process): what the
 * index itself costs, apart from a loaded machine's scheduling of two processes.
 */
async function storeRuns(
  dir: string,
  eventId: string,
  span: Span,
  o: Options,
): Promise<{ p50: number; p99: number }[]> {
  const store = new SqliteStore(join(dir, 'livecomments.db'));
  await store.migrate();
  try {
    const rnd = random(3);
    const { words, pick } = vocabulary(rnd);
    const out: { p50: number; p99: number }[] = [];
    for (let run = 0; run < o.runs; run++) {
      const h = new Histogram();
      for (let i = 0; i < o.queries; i++) {
        const s = searchOf(rnd, pick, words.slice(0, 10), span);
        const t0 = performance.now();
        await store.search({
          eventId,
          query: parseQuery(s.q ?? ''),
          ...(s.author !== undefined && { authorId: s.author }),
          ...(s.to !== undefined && { to: s.to }),
          statuses: ['published'],
          limit: 20,
        });
        h.record(Math.round((performance.now() - t0) * 1000));
      }
      const r = summary(h);
      process.stderr.write(`in-process run ${run + 1}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms\n`);
      out.push(r);
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Seeds once, then runs `runs` rounds of `queries` searches against a real server; p50/p99 each. */
export async function runSearch(o: Options): Promise<{ result: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-search-bench-'));
  try {
    const seeded = await seed(dir, o.comments);
    process.stderr.write(
      `seeded ${o.comments} in ${seeded.seedS.toFixed(0)} s, indexed in ${seeded.indexS.toFixed(0)} s\n`,
    );
    const span: Span = { start: seeded.start, ms: o.comments * 10 };
    const inProcess = await storeRuns(dir, seeded.eventId, span, o);
    const server = await startServer({ cpus: o.serverCpus, env: { ...o.env, LC_DATA_DIR: dir }, nodeArgs: o.nodeArgs });
    try {
      process.stderr.write(`server up at ${server.url}\n`);
      const token = await serviceToken(server.url, o.token);
      const rnd = random(2);
      const { words, pick } = vocabulary(rnd);
      const commonWords = words.slice(0, 10);
      const runs: { p50: number; p99: number; max: number; hits: number; kinds: Record<string, unknown> }[] = [];
      for (let run = 0; run < o.runs; run++) {
        const h = new Histogram();
        const byKind = new Map<Kind, Histogram>(KINDS.map((k) => [k, new Histogram()]));
        // A read that searches nothing, on the same server and connection: the machine's share.
        const baseline = new Histogram();
        let hits = 0;
        for (let i = 0; i < o.queries; i++) {
          const search = searchOf(rnd, pick, commonWords, span);
          const url = `${server.url}/v1/events/${seeded.eventId}/search?${queryString(search)}&limit=20`;
          const t0 = performance.now();
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          const body = (await res.json()) as { items?: unknown[] };
          const us = Math.round((performance.now() - t0) * 1000);
          h.record(us);
          byKind.get(search.kind)!.record(us);
          if (!res.ok) throw new Error(`search answered ${res.status}: ${JSON.stringify(body)}`);
          hits += body.items?.length ?? 0;
          if (i % 5 === 0) {
            const b0 = performance.now();
            await (await fetch(`${server.url}/v1/events/${seeded.eventId}`)).arrayBuffer();
            baseline.record(Math.round((performance.now() - b0) * 1000));
          }
        }
        const kinds = Object.fromEntries([...byKind].map(([k, kh]) => [k, summary(kh)]));
        kinds['event read (baseline)'] = summary(baseline);
        const r = { p50: h.quantile(0.5) / 1000, p99: h.quantile(0.99) / 1000, max: h.max / 1000, hits, kinds };
        process.stderr.write(
          `run ${run + 1}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (loadavg ${loadAverage()})\n`,
        );
        for (const [k, v] of Object.entries(kinds)) process.stderr.write(`  ${k}: ${JSON.stringify(v)}\n`);
        runs.push(r);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      return {
        result: {
          comments: o.comments,
          queriesPerRun: o.queries,
          seedSeconds: seeded.seedS,
          indexSeconds: seeded.indexS,
          runs,
          inProcess,
          inProcessMedianP50Ms: median(inProcess.map((r) => r.p50)),
          inProcessMedianP99Ms: median(inProcess.map((r) => r.p99)),
          medianP50Ms: median(runs.map((r) => r.p50)),
          medianP99Ms: median(runs.map((r) => r.p99)),
          loadavg: loadAverage(),
        },
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
