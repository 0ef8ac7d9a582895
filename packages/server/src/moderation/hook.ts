/**
 * The external classifier hook: a comment the rules let through is sent to a team's own model
 * over HTTP (`LC_MODERATION_URL`), with its context, under a strict time budget. Comments that
 * arrive within `batchMs` of each other go in one request (at most `maxBatch`), so a busy node
 * sends a few large requests instead of many small ones; requests in flight are capped, and
 * comments beyond the cap fail at once ("overload") rather than queue. Node's fetch (undici)
 * keeps the connection alive between requests. The wire format is in docs/API.md ("Moderation
 * hook"):
 *
 *   POST {"comments": [{"id", "eventId", "authorId", "text", "newAuthor", "reasons"}]}
 *   200  {"results": [{"scores": {"spam": 0.93, "toxicity": 0.02}}]}   (same order and length)
 */
import type { AutomodSettings, ModerationThresholds } from '@livecomments/protocol';
import { readCapped } from '../util/capped-body.js';
import { CATEGORIES, type Finding, judge, type Strength } from './automod.js';
import { stricter, thresholdVerdict } from './decision.js';
import type { Verdict } from './moderator.js';
import type { StageResult } from './policy.js';

/** What the hook is told of one comment. */
export interface HookComment {
  eventId: string;
  authorId: string;
  text: string;
  /** The author's first minutes in the event (spam accounts are mostly new). */
  newAuthor: boolean;
  /** What the rules found without blocking (e.g. `link`, `caps`): held comments are sent too. */
  reasons: string[];
}

/** Scores in 0..1 by category name, as the classifier answered. */
export type HookScores = Record<string, number>;

/** Why the hook gave no scores: no answer in time, a failed or malformed answer, too many requests in flight. */
export type HookFailure = 'timeout' | 'error' | 'overload';

/** The hook's answer for one comment. */
export type HookOutcome = { scores: HookScores } | { failure: HookFailure };

/** Where the hook reports its work (the node's /metrics). */
export interface HookObserver {
  /** One answered request: its time and number of comments. */
  answered(seconds: number, comments: number): void;
  /** Comments that got no scores, by why. */
  failed(failure: HookFailure, comments: number): void;
}

/** Options of `ClassifierHook`. */
export interface HookOptions {
  url: string;
  /** Budget of one request, from sending to the parsed answer. */
  timeoutMs: number;
  /** How long the first comment of a batch waits for others. */
  batchMs: number;
  maxBatch: number;
  /** Requests in flight at most. */
  maxInFlight?: number;
  observer?: HookObserver;
}

/** Bounds of an answer: its size, and the categories read per comment. */
const MAX_ANSWER_BYTES = 1 << 20;
const MAX_CATEGORIES = 32;
const CATEGORY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

interface Waiting {
  comment: HookComment;
  resolve(outcome: HookOutcome): void;
}

/** A malformed answer (wrong status, shape or size). */
class AnswerError extends Error {
  override name = 'AnswerError';
}

/** Asks the classifier about comments, gathered into batches. */
export class ClassifierHook {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: HookOptions) {
    this.maxInFlight = options.maxInFlight ?? 16;
  }

  /** The classifier's scores for a comment, or why there are none; never rejects. */
  classify(comment: HookComment): Promise<HookOutcome> {
    return new Promise<HookOutcome>((resolve) => {
      this.queue.push({ comment, resolve });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.batchMs);
    });
  }

  /** Sends what is gathered now (on close: nothing waits for a timer that no longer matters). */
  close(): void {
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (this.inFlight >= this.maxInFlight) {
      this.fail(batch, 'overload');
      return;
    }
    this.inFlight++;
    void this.send(batch).finally(() => {
      this.inFlight--;
    });
  }

  private async send(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    const comments = batch.map((w, i) => ({ id: String(i), ...w.comment }));
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ comments }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new AnswerError(`status ${response.status}`);
      }
      // Counted as it arrives: a chunked answer says no length up front.
      const text = await readCapped(response, MAX_ANSWER_BYTES);
      const scores = parseAnswer(JSON.parse(text), batch.length);
      this.options.observer?.answered((performance.now() - started) / 1000, batch.length);
      for (const [i, w] of batch.entries()) w.resolve({ scores: scores[i]! });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      this.fail(batch, timedOut ? 'timeout' : 'error');
    }
  }

  private fail(batch: Waiting[], failure: HookFailure): void {
    this.options.observer?.failed(failure, batch.length);
    for (const w of batch) w.resolve({ failure });
  }
}

/** The scores of each comment from an answer; throws `AnswerError` when it is not as documented. */
export function parseAnswer(answer: unknown, expected: number): HookScores[] {
  const results = (answer as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== expected) throw new AnswerError('results do not match comments');
  return results.map((result: unknown) => {
    const scores = (result as { scores?: unknown } | null)?.scores;
    if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) throw new AnswerError('no scores');
    const kept: HookScores = {};
    let n = 0;
    for (const [name, value] of Object.entries(scores)) {
      if (n >= MAX_CATEGORIES) break;
      if (!CATEGORY.test(name) || typeof value !== 'number' || !(value >= 0 && value <= 1)) continue;
      kept[name] = value;
      n++;
    }
    return kept;
  });
}

/** A classifier score as a finding's strength: clear from 0.9, likely from 0.75, possible from 0.5. */
export function scoreStrength(score: number): Strength | 0 {
  if (score >= 0.9) return 3;
  if (score >= 0.75) return 2;
  if (score >= 0.5) return 1;
  return 0;
}

/**
 * The hook's scores against the event's settings, as one stage: a score named for an AutoMod
 * category (`spam`, `hostility`, `sexual`, `discrimination`, `selfHarm`) is a finding of that
 * category (`scoreStrength`) judged by the event's level for it, reason `<category>:classifier`;
 * `toxicity` reads against the event's toxicity thresholds (reason `toxicity`). Every score is
 * kept for review as `hook.<name>`.
 */
export function judgeHookScores(
  scores: HookScores,
  t: ModerationThresholds,
  levels: AutomodSettings | undefined,
): StageResult {
  const stage: StageResult = { reasons: [], scores: {} };
  for (const [name, value] of Object.entries(scores)) stage.scores![`hook.${name}`] = value;
  const findings: Finding[] = [];
  for (const category of CATEGORIES) {
    const strength = scoreStrength(scores[category] ?? 0);
    if (strength > 0) findings.push({ category, kind: 'classifier', strength: strength as Strength });
  }
  const automod = judge(findings, levels);
  let verdict: Verdict = automod.verdict;
  stage.reasons.push(...automod.reasons);
  const toxicity = thresholdVerdict(scores.toxicity, t.toxicityBlock, t.toxicityHold);
  if (toxicity !== 'approve') stage.reasons.push('toxicity');
  verdict = stricter(verdict, toxicity);
  if (verdict !== 'approve') stage.verdict = verdict;
  return stage;
}
