import type { Badge, Comment, ErrorCode, PostStatus } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import type { RateLimiter, RateRule, RateTake } from '../engines/rate-limiter.js';
import type { EventRecord, Store, StoredComment } from '../engines/store.js';
import type { Events } from '../events/events.js';
import { checkMediaTime, derivedMediaTime, mediaStart } from '../events/media.js';
import type { EventRoles } from '../events/roles.js';
import type { LogWriter } from '../log/writer.js';
import type { Moderator } from '../moderation/moderator.js';
import { AppError, errors } from '../util/errors.js';
import { inSpan, tracingOn } from '../util/tracing.js';
import type { BanCache } from './bans.js';
import { checkChatModes } from './chat-modes.js';
import { newCommentId } from './comment-id.js';
import { charCount, hasVisible, normaliseText } from './normalise.js';

/** A post as any transport hands it in. */
export interface PostInput {
  text: unknown;
  clientId?: unknown;
  parentId?: unknown;
  /** The player's position when posting, ms of media time (docs/API.md "Media time and replay"). */
  mediaTimeMs?: unknown;
}

/** The answer to a post: published (201) or held for review (202). */
export interface PostResult {
  status: PostStatus;
  comment: Comment;
}

/** A validated, normalised post on its way through the checks. */
interface Draft {
  author: Principal;
  event: EventRecord;
  text: string;
  parentId: string | undefined;
  clientId: string | undefined;
  /** The poster's player position, checked; absent: derived from the time of posting. */
  mediaTimeMs: number | undefined;
}

/** Burst on top of the per-minute rate: a few quick comments are fine, a flood is not. */
const RATE_BURST = 5;
/** Burst of the per-user limit across events: a few events' worth of quick comments. */
const USER_RATE_BURST = 20;
const MAX_CLIENT_ID = 128;

/** A post as the app's post check sees it: normalised, past the node's own checks, not yet moderated. */
export interface PostToCheck {
  eventId: string;
  author: Principal;
  text: string;
  parentId: string | undefined;
}

/**
 * The app's say on a post (proxy/post.ts): resolves to let it go on, throws `forbidden` (the app
 * refused, with its reason) or `proxy_unavailable` (no answer and the node fails closed).
 */
export interface PostCheck {
  check(post: PostToCheck): Promise<void>;
}

/** Limits of the write path set by the operator. */
export interface IngestOptions {
  /** Comments per minute of one user across all events, besides each event's own limit; 0 for off. */
  userRatePerMinute?: number;
  /**
   * Asked about each post after the node's own checks (validation, bans, names, rate limits, slow
   * mode) and before moderation; trusted publishers (`service`) are not asked.
   */
  postCheck?: PostCheck;
}

/** Outcomes counted in metrics (a fixed set of labels): how it went, or the refusal's catalogue code. */
export type Outcome = 'published' | 'held' | 'shadowed' | 'duplicate' | ErrorCode;

/**
 * The write path of a comment, the same for REST and WebSocket posts: validate and normalise,
 * make retries idempotent, check bans, rate limit and slow mode, moderate, then append to the
 * log (durable before the answer) and publish.
 */
export class Ingest {
  /** Posts in progress by idempotency key, so a retry racing the first gets the same answer. */
  private readonly inFlight = new Map<string, Promise<PostResult>>();
  /** The per-user rule across events, if any. */
  private readonly userRule: RateRule | undefined;
  private readonly postCheck: PostCheck | undefined;

  constructor(
    private readonly store: Store,
    private readonly events: Events,
    private readonly writer: LogWriter,
    private readonly limiter: RateLimiter,
    private readonly moderator: Moderator,
    private readonly bans: BanCache,
    private readonly roles: Pick<EventRoles, 'checkName' | 'badges' | 'powers'>,
    private readonly onOutcome: (outcome: Outcome) => void = () => {},
    options: IngestOptions = {},
  ) {
    const perMinute = options.userRatePerMinute ?? 0;
    this.userRule = perMinute > 0 ? { intervalMs: 60_000 / perMinute, burst: USER_RATE_BURST } : undefined;
    this.postCheck = options.postCheck;
  }

  async post(author: Principal, eventId: string, input: PostInput): Promise<PostResult> {
    try {
      if (!tracingOn()) return await this.admit(author, eventId, input);
      return await inSpan('comment.post', { 'lc.event_id': eventId }, async (span) => {
        const result = await this.admit(author, eventId, input);
        span?.setAttribute('lc.status', result.status);
        if (typeof result.comment.seq === 'number') span?.setAttribute('lc.seq', result.comment.seq);
        return result;
      });
    } catch (error) {
      // Only catalogue codes become metric labels; a dependency's own (ECONNREFUSED...) is `unavailable`.
      this.onOutcome(error instanceof AppError ? error.code : 'unavailable');
      throw error;
    }
  }

  /** Validates and normalises, then runs the post once per idempotency key. */
  private async admit(author: Principal, eventId: string, input: PostInput): Promise<PostResult> {
    if (typeof input.text !== 'string') throw errors.invalid('text must be a string');
    if (input.clientId !== undefined && !validKey(input.clientId)) {
      throw errors.invalid(`clientId must be a string of 1 to ${MAX_CLIENT_ID} characters`);
    }
    if (input.parentId !== undefined && (typeof input.parentId !== 'string' || input.parentId.length > 64)) {
      throw errors.invalid('parentId must be a comment id');
    }
    const event = this.events.cached(eventId) ?? (await this.events.get(eventId));
    if (event.status === 'ended') throw errors.ended();
    const mediaTimeMs = checkMediaTime(input.mediaTimeMs, mediaStart(event), Date.now());
    const text = normaliseText(input.text);
    if (text.length === 0) throw errors.invalid('the comment is empty');
    if (!hasVisible(text)) throw errors.invalid('the comment has no visible character');
    const max = event.settings.maxCommentChars;
    if (charCount(text) > max) throw errors.invalid(`the comment is longer than ${max} characters`, { maxChars: max });

    const draft: Draft = { author, event, text, parentId: input.parentId, clientId: input.clientId, mediaTimeMs };
    if (draft.clientId === undefined) return this.accept(draft);
    const key = `${eventId}\u0000${author.id}\u0000${draft.clientId}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const attempt = this.retryOrAccept(draft, draft.clientId);
    this.inFlight.set(key, attempt);
    try {
      return await attempt;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async retryOrAccept(draft: Draft, clientId: string): Promise<PostResult> {
    const prior = await this.store.findByClientId(draft.event.id, draft.author.id, clientId);
    if (prior) {
      this.onOutcome('duplicate');
      const logged = await this.asLogged(prior);
      if (logged) return logged;
      // The comments table keeps no badges: the retry's answer gets the author's as they are now.
      return withBadges(fromStored(prior), this.roles.badges(draft.author, await this.roles.powers(draft.event)));
    }
    return this.accept(draft);
  }

  private async accept({ author, event, text, parentId, clientId, mediaTimeMs }: Draft): Promise<PostResult> {
    const eventId = event.id;
    const now = Date.now();
    // Not `??`: a permanent ban is null.
    let banned = this.bans.cached(eventId, author.id, now);
    if (banned === undefined) banned = await this.bans.until(eventId, author.id, now);
    if (banned !== false) throw errors.banned(banned);
    if (parentId !== undefined) {
      const parent = await this.store.getComment(eventId, parentId);
      if (parent?.status !== 'published') throw errors.invalid('parentId is not a comment of this event');
    }
    // A name that reads as the owner's or a moderator's is refused; badges come from the roles.
    const powers = await this.roles.checkName(author, event);
    const badges = this.roles.badges(author, powers);
    checkChatModes(author, powers, event.settings, text, now);

    let finalText = text;
    let verdict: 'approve' | 'hold' | 'block' = 'approve';
    let reasons: string[] = [];
    let scores: Record<string, number> = {};
    if (author.role !== 'service') {
      await this.limit(author, eventId, event.settings.rateLimitPerMinute, event.settings.slowModeMs);
      // The app's permission before moderation: a post it refuses leaves no trace in the moderation log.
      await this.postCheck?.check({ eventId, author, text, parentId });
      const check = {
        eventId,
        user: { id: author.id, name: author.name },
        text,
        settings: event.settings,
        now,
      };
      const result = tracingOn()
        ? await inSpan('comment.moderate', { 'lc.event_id': eventId }, async (span) => {
            const decided = await this.moderator.check(check);
            span?.setAttribute('lc.verdict', decided.verdict);
            return decided;
          })
        : await this.moderator.check(check);
      ({ verdict, reasons, scores } = result);
      finalText = result.text;
    }

    const comment: Comment = {
      id: newCommentId(now),
      eventId,
      seq: 0,
      user: userRef(author, badges),
      text: finalText,
      createdAt: now,
      mediaTimeMs: mediaTimeMs ?? derivedMediaTime(now, mediaStart(event)),
    };
    if (parentId !== undefined) comment.parentId = parentId;

    if (verdict === 'block') {
      if (event.settings.moderation.shadow) {
        // Shown to its author alone: the answer looks published, with the seq the next entry takes
        // (never another comment's); the moderation log keeps it for the author's reads (shadow.ts).
        const shadowed: Comment = { ...comment, seq: (await this.events.fresh(eventId)).lastSeq + 1 };
        await this.record(eventId, 'block', comment, reasons, scores, { shadowed });
        this.onOutcome('shadowed');
        return { status: 'published', comment: shadowed };
      }
      await this.record(eventId, 'block', comment, reasons, scores);
      throw errors.rejected(reasons);
    }
    if (verdict === 'hold') {
      const held: StoredComment = { comment: { ...comment, seq: null }, status: 'held', reasons, scores };
      if (clientId !== undefined) held.clientId = clientId;
      const stored = await this.store.holdComment(held);
      await this.record(eventId, 'hold', comment, reasons, scores);
      this.onOutcome('held');
      return withBadges(fromStored(stored), badges);
    }

    const item =
      clientId === undefined
        ? { eventId, entry: { type: 'comment' as const, comment } }
        : { eventId, entry: { type: 'comment' as const, comment }, clientId };
    const appended = await this.writer.append(item);
    if ('existing' in appended) {
      this.onOutcome('duplicate');
      return (await this.asLogged(appended.existing)) ?? withBadges(fromStored(appended.existing), badges);
    }
    if (!('entry' in appended) || appended.entry.type !== 'comment') throw new Error('comment entry expected');
    this.onOutcome('published');
    return { status: 'published', comment: appended.entry.comment };
  }

  /**
   * A retried post's answer for a comment already published: its log entry, as the first answer
   * gave it (badges, media time), which the comments table does not keep; null when it is not
   * published (held, rejected, deleted since).
   */
  private async asLogged(stored: StoredComment): Promise<PostResult | null> {
    const { seq, id, eventId } = stored.comment;
    if (stored.status !== 'published' || seq === null) return null;
    const [entry] = await this.store.readAfter(eventId, seq - 1, 1);
    return entry?.type === 'comment' && entry.comment.id === id
      ? { status: 'published', comment: entry.comment }
      : null;
  }

  /**
   * Per-user rate limits, in the event and across events (taken together: a post refused by one
   * spends nothing of the other), then slow mode; a refusal says when to try again.
   */
  private async limit(author: Principal, eventId: string, perMinute: number, slowModeMs: number): Promise<void> {
    // The user id is the keys' Redis Cluster hash tag, so both buckets share a slot.
    const takes: RateTake[] = [];
    if (perMinute > 0) {
      takes.push({
        key: `rate:{${author.id}}:${eventId}`,
        rule: { intervalMs: 60_000 / perMinute, burst: RATE_BURST },
      });
    }
    if (this.userRule) takes.push({ key: `user:{${author.id}}`, rule: this.userRule });
    if (takes.length > 0) {
      const decision = await this.limiter.takeAll(takes);
      if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs);
    }
    if (slowModeMs > 0) {
      const decision = await this.limiter.take(`slow:${eventId}:${author.id}`, { intervalMs: slowModeMs, burst: 1 });
      if (!decision.ok) throw errors.slowMode(decision.retryAfterMs);
    }
  }

  private async record(
    eventId: string,
    action: 'hold' | 'block',
    comment: Comment,
    reasons: string[],
    scores: Record<string, number>,
    extra: { shadowed?: Comment } = {},
  ): Promise<void> {
    await this.store.addModAction({
      eventId,
      action,
      actorId: 'system',
      at: comment.createdAt,
      targetId: comment.id,
      reason: reasons.join(', '),
      text: comment.text,
      details: { userId: comment.user.id, scores, ...extra },
    });
  }
}

/** The author as the comment shows them: name, badges, and the picture the connect proxy gave. */
function userRef(author: Principal, badges: Badge[]): Comment['user'] {
  const user: Comment['user'] = { id: author.id, name: author.name };
  if (badges.length > 0) user.badges = badges;
  if (author.avatarUrl !== undefined) user.avatarUrl = author.avatarUrl;
  return user;
}

function validKey(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLIENT_ID;
}

/** The answer with the author's badges (the comments table keeps none; the log does). */
function withBadges(result: PostResult, badges: Badge[]): PostResult {
  if (badges.length === 0) return result;
  return { ...result, comment: { ...result.comment, user: { ...result.comment.user, badges } } };
}

/** The answer a retried post gets: what the first attempt made. */
export function fromStored(stored: StoredComment): PostResult {
  if (stored.status === 'rejected') throw errors.rejected(stored.reasons ?? ['rejected by a moderator']);
  const comment: Comment = { ...stored.comment, seq: stored.comment.seq ?? 0 };
  return { status: stored.status === 'held' ? 'held' : 'published', comment };
}
