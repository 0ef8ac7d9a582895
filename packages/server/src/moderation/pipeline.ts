/**
 * The staged moderation pipeline: rules (blocked terms, profanity, links, heuristics, attacks
 * on a group or a person, language), classifiers (spam, toxicity), the author's context, then
 * the decision; then, when those did not block, the operator's classifier (`hook.ts`, over
 * HTTP, within its time budget); repetition checks run last so that a comment refused for
 * another reason is not remembered as posted. Every stage is synchronous and in memory except
 * the hook and the repetition and copy-paste wave checks (a `RecentSet`, shared in a cluster).
 */
import type { AutomodSettings, ModerationThresholds } from '@livecomments/protocol';
import type { RecentSet } from '../engines/recent-set.js';
import { OPTIONAL_DEFAULTS } from '../events/settings.js';
import { findAbuse } from './abuse-rules.js';
import { combine, DEFAULT_LEVEL, type Finding, judge } from './automod.js';
import { readChat } from './chat-reading.js';
import { type Classifiers, sharedCounts, spamScore, toxicityScores } from './classifiers.js';
import { findCompositional } from './compositional-rules.js';
import { AuthorHistory, checkContext } from './context.js';
import { decide, stricter } from './decision.js';
import { findDiscrimination } from './discrimination.js';
import type { ExampleLog } from './examples.js';
import { withoutExpletives } from './expletives.js';
import { checkHarassment } from './harassment.js';
import { checkHeuristics } from './heuristics.js';
import { type ClassifierHook, judgeHookScores } from './hook.js';
import { checkIdentityAttack } from './identity.js';
import { checkLanguage } from './language.js';
import { checkLinks, findLinks, isAllowedHost, stripLinks } from './links.js';
import type { LabeledExample, ModerationInput, ModerationResult, Moderator } from './moderator.js';
import { resolvePolicy, type StageResult } from './policy.js';
import { checkProfanity, findProfanity } from './profanity.js';
import { readings } from './readings.js';
import { checkRepeats } from './repeat.js';
import { checkBlockedTerms } from './rules.js';
import { findSpam } from './spam-rules.js';
import { checkWave } from './waves.js';

/** The full pipeline behind the `Moderator` contract. */
export class PipelineModerator implements Moderator {
  private readonly history = new AuthorHistory();

  constructor(
    private readonly classifiers: Classifiers,
    private readonly recent: RecentSet,
    private readonly examples: ExampleLog,
    private readonly hook: ClassifierHook | null = null,
  ) {}

  async check(input: ModerationInput): Promise<ModerationResult> {
    const result = this.checkSync(input);
    if (result.verdict !== 'block') await this.askHook(input, result);
    if (result.verdict !== 'block') {
      const repeats = await checkRepeats(
        this.recent,
        { eventId: input.eventId, userId: input.user.id, text: input.text },
        resolvePolicy(input.settings),
      );
      if (repeats.verdict) {
        result.verdict = repeats.verdict;
        result.reasons.push(...repeats.reasons);
      }
    }
    if (result.verdict !== 'block') {
      const level = input.settings.automod?.spam ?? DEFAULT_LEVEL;
      const spamSign =
        result.reasons.some((r) => r.startsWith('spam')) ||
        (result.scores.spam ?? 0) >= input.settings.moderation.spamHold;
      const wave = await checkWave(
        this.recent,
        { eventId: input.eventId, userId: input.user.id, text: input.text },
        level,
        spamSign,
      );
      if (wave) {
        const judged = judge([wave], input.settings.automod);
        result.verdict = stricter(result.verdict, judged.verdict);
        for (const r of judged.reasons) if (!result.reasons.includes(r)) result.reasons.push(r);
      }
    }
    if (result.verdict === 'block' && input.settings.moderation.shadow) result.shadow = true;
    this.history.record(input.eventId, input.user.id, input.now, result.verdict);
    return result;
  }

  /** Every stage but the repetition checks (also what the bench measures). */
  checkSync(input: ModerationInput): ModerationResult {
    const policy = resolvePolicy(input.settings);
    const { text } = input;
    const scores: Record<string, number> = {};
    const stages: StageResult[] = [
      checkBlockedTerms(text, input.settings.blockedTerms, input.settings.blockedTermsMatch),
    ];
    if (stages[0]!.verdict === 'block') return { verdict: 'block', text, reasons: stages[0]!.reasons, scores };

    const swearing = findProfanity(text);
    const profanity = checkProfanity(text, policy.profanity, swearing);
    const plain = stripLinks(text);
    // One folded reading for every AutoMod rule and for the spam model (look-alike letters,
    // leetspeak, separators): the model reads what a person reads.
    const reading = readChat(text);
    const levels = input.settings.automod;
    const level = (c: keyof AutomodSettings) => levels?.[c] ?? DEFAULT_LEVEL;
    // The attack rules read the text without its links; its readings are made once for both.
    const forms = policy.attackRules ? readings(plain) : [];
    // The link policy and the new-author sign read the same links: found once.
    const hosts = findLinks(text);
    stages.push(
      profanity,
      checkLinks(text, policy, hosts),
      checkHeuristics(text),
      level('discrimination') === 'off' ? { reasons: [] } : checkIdentityAttack(forms),
      level('hostility') === 'off' ? { reasons: [] } : checkHarassment(forms),
      checkLanguage(text, policy.languages),
    );
    // Toxicity reads the text without its expletives: the profanity policy owns swearing.
    const counts = sharedCounts(this.classifiers, stripLinks(reading.folded), withoutExpletives(plain, swearing));
    if (this.classifiers.spam && counts.spam) scores.spam = spamScore(this.classifiers.spam, counts.spam);
    if (this.classifiers.toxicity && counts.toxicity)
      Object.assign(scores, toxicityScores(this.classifiers.toxicity, counts.toxicity));
    const ctx = this.history.lookup(input.eventId, input.user.id, input.now);
    stages.push(checkContext(ctx));

    const findings: Finding[] = [
      ...findSpam(text, reading),
      ...findAbuse(reading),
      ...findDiscrimination(reading),
      ...findCompositional(reading),
    ];
    // A link in the first comment of an author: a spam sign, not a verdict on its own.
    if (ctx.newAuthor && ctx.recentPosts === 0) {
      const foreign = hosts.filter((h) => !isAllowedHost(h, [...policy.allowedDomains, ...KNOWN_SITES]));
      if (foreign.length > 0) findings.push({ category: 'spam', kind: 'new_author_link', strength: 1 });
    }
    const automod = judge(combine(findings), levels);
    stages.push(
      automod.verdict === 'approve' ? { reasons: [] } : { verdict: automod.verdict, reasons: automod.reasons },
    );
    for (const s of stages) Object.assign(scores, s.scores);

    const thresholds = levelThresholds(input.settings.moderation, level('spam'), level('hostility'));
    const { verdict, reasons } = decide(stages, scores, thresholds, ctx.newAuthor);
    return { verdict, text: profanity.text ?? text, reasons, scores };
  }

  /**
   * The classifier's verdict joined to the result. Without scores (late, failed, overloaded), a
   * fail-open event goes on as if there were no hook, a fail-closed one holds the comment.
   */
  private async askHook(input: ModerationInput, result: ModerationResult): Promise<void> {
    const mode = input.settings.moderationHook ?? OPTIONAL_DEFAULTS.moderationHook;
    if (!this.hook || mode === 'off') return;
    const outcome = await this.hook.classify({
      eventId: input.eventId,
      authorId: input.user.id,
      text: input.text,
      newAuthor: result.scores.newAuthor === 1,
      reasons: result.reasons,
    });
    if ('scores' in outcome) {
      const stage = judgeHookScores(outcome.scores, input.settings.moderation, input.settings.automod);
      Object.assign(result.scores, stage.scores);
      if (stage.verdict) result.verdict = stricter(result.verdict, stage.verdict);
      result.reasons = [...new Set([...result.reasons, ...stage.reasons])];
    } else if (mode === 'fail-closed') {
      result.verdict = stricter(result.verdict, 'hold');
      result.reasons.push('classifier_unavailable');
    }
  }

  async learn(example: LabeledExample): Promise<void> {
    await this.examples.append(example);
  }

  async close(): Promise<void> {
    this.hook?.close();
    await this.examples.flush();
  }
}

/** Sites whose links are common in honest chat; a first comment linking there is no spam sign. */
const KNOWN_SITES = [
  'twitch.tv',
  'youtube.com',
  'youtu.be',
  'wikipedia.org',
  'github.com',
  'reddit.com',
  'twitter.com',
  'x.com',
  'instagram.com',
  'tiktok.com',
  'discord.gg',
  'steampowered.com',
  'google.com',
  'imgur.com',
  'spotify.com',
];

/**
 * The classifier thresholds under the spam and hostility levels: `off` never acts on the score,
 * `low` holds only what the default would block, `high` acts a tenth lower.
 */
function levelThresholds(t: ModerationThresholds, spam: string, hostility: string): ModerationThresholds {
  const shift = (block: number, hold: number, level: string): [number, number] => {
    if (level === 'off') return [2, 2];
    if (level === 'low') return [2, block];
    if (level === 'high') return [block - 0.1, hold - 0.1];
    return [block, hold];
  };
  const [spamBlock, spamHold] = shift(t.spamBlock, t.spamHold, spam);
  const [toxicityBlock, toxicityHold] = shift(t.toxicityBlock, t.toxicityHold, hostility);
  return { ...t, spamBlock, spamHold, toxicityBlock, toxicityHold };
}
