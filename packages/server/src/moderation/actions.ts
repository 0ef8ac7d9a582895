import type { Comment } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { type EventPowers, refusalAgainst, requireModerator } from '../auth/powers.js';
import { deletionDelta } from '../engines/analytics.js';
import type { Ban, EventRecord, ModAction, ReportedComment, Store, StoredComment } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { EventRoles } from '../events/roles.js';
import type { BanCache } from '../ingest/bans.js';
import type { LogWriter } from '../log/writer.js';
import { errors } from '../util/errors.js';
import type { ExampleSource, LabeledExample, Moderator } from './moderator.js';

/** Who a reviewer is for the training examples: admins and moderators are global roles, anybody else owns the event. */
function exampleSource(actor: Principal): ExampleSource {
  return actor.role === 'admin' || actor.role === 'moderator' ? actor.role : 'owner';
}

/**
 * What moderators do: the review queue (approve appends the comment to the log with a fresh seq;
 * reject publishes nothing), deletions, bans. Every action is kept in the moderation log.
 */
export class ModerationActions {
  constructor(
    private readonly store: Store,
    private readonly events: Events,
    private readonly writer: LogWriter,
    private readonly moderator: Moderator,
    private readonly bans: BanCache,
    private readonly roles: EventRoles,
  ) {}

  async listHeld(actor: Principal, eventId: string, limit: number): Promise<StoredComment[]> {
    await this.authorise(actor, eventId);
    return this.store.listHeld(eventId, limit);
  }

  /** Published comments with open reports, most reported first (moderation/reports.ts). */
  async listReported(actor: Principal, eventId: string, limit: number): Promise<ReportedComment[]> {
    await this.authorise(actor, eventId);
    return this.store.listReported(eventId, limit);
  }

  /** Approves or rejects a held comment; approving returns it with its new seq. */
  async review(
    actor: Principal,
    eventId: string,
    commentId: string,
    action: 'approve' | 'reject',
    reason?: string,
  ): Promise<Comment | null> {
    const event = await this.authorise(actor, eventId);
    const held = await this.store.getComment(eventId, commentId);
    if (!held) throw errors.notFound('comment');
    if (held.status === 'published') return this.reviewReported(actor, event, held, action, reason);
    if (held.status !== 'held') throw errors.conflict(`the comment is ${held.status}, not held`);
    let published: Comment | null = null;
    if (action === 'approve') {
      // A held comment keeps no badges; the roles it shows are those its author holds now.
      const badges = this.roles.badges({ id: held.comment.user.id, name: '', role: 'viewer' }, event);
      const user = badges.length > 0 ? { ...held.comment.user, badges } : held.comment.user;
      const comment: Comment = { ...held.comment, user, seq: 0 };
      const result = await this.writer.append({ eventId, entry: { type: 'comment', comment } });
      if ('existing' in result) throw errors.conflict('the comment was already reviewed');
      if ('entry' in result && result.entry.type === 'comment') published = result.entry.comment;
    } else if (!(await this.store.rejectHeld(eventId, commentId))) {
      throw errors.conflict('the comment was already reviewed');
    }
    // `heldAt` gives the analytics the time from hold to decision (engines/analytics.ts).
    await this.log(actor, eventId, action, commentId, reason, held.comment.text, {
      userId: held.comment.user.id,
      heldAt: held.comment.createdAt,
    });
    const example: LabeledExample = {
      eventId,
      decidedBy: exampleSource(actor),
      actorId: actor.id,
      text: held.comment.text,
      label: action,
      at: Date.now(),
    };
    if (held.reasons) example.reasons = held.reasons;
    await this.moderator.learn(example);
    return published;
  }

  /**
   * A reported comment: approving keeps it and closes its reports; rejecting deletes it (a
   * `delete` entry) and closes them. `conflict` when it has no open report to review.
   */
  private async reviewReported(
    actor: Principal,
    event: EventRecord & EventPowers,
    stored: StoredComment,
    action: 'approve' | 'reject',
    reason?: string,
  ): Promise<Comment | null> {
    const { eventId, id: commentId } = stored.comment;
    const details = { userId: stored.comment.user.id, reported: true };
    if (action === 'reject') this.against(actor, event, stored.comment.user.id);
    // Closing the reports first decides who reviews them (a comment already reviewed is a
    // conflict, not a second deletion); a rejected one is then deleted.
    if ((await this.store.closeReports(eventId, commentId)) === 0) {
      throw errors.conflict('the comment is published and has no open report');
    }
    if (action === 'approve') {
      await this.log(actor, eventId, 'approve', commentId, reason, stored.comment.text, details);
      return { ...stored.comment, seq: stored.comment.seq ?? 0 };
    }
    await this.writer.append({ eventId, entry: { type: 'delete', commentId } });
    await this.countDeletion(eventId, 'report');
    await this.log(actor, eventId, 'delete', commentId, reason, stored.comment.text, details);
    return null;
  }

  /** Deletes a published comment (its author, the owner, a moderator or an admin). */
  async deleteComment(actor: Principal, eventId: string, commentId: string): Promise<void> {
    const stored = await this.store.getComment(eventId, commentId);
    if (!stored || stored.status === 'rejected') throw errors.notFound('comment');
    const isAuthor = stored.comment.user.id === actor.id;
    if (!isAuthor) {
      const event = await this.authorise(actor, eventId);
      if (refusalAgainst(actor, event, stored.comment.user.id))
        throw errors.forbidden('you may not delete this comment');
    }
    if (stored.status === 'deleted') return;
    if (stored.status === 'held') {
      await this.store.rejectHeld(eventId, commentId);
    } else {
      await this.writer.append({ eventId, entry: { type: 'delete', commentId } });
      await this.countDeletion(eventId, isAuthor ? 'author' : 'moderator');
    }
    if (!isAuthor) await this.log(actor, eventId, 'delete', commentId, undefined, stored.comment.text);
  }

  async ban(
    actor: Principal,
    eventId: string,
    userId: string,
    durationMs?: number,
    reason?: string,
    purge = false,
  ): Promise<Ban> {
    this.against(actor, await this.authorise(actor, eventId), userId);
    const now = Date.now();
    const ban: Ban = {
      eventId,
      userId,
      until: durationMs === undefined ? null : now + durationMs,
      by: actor.id,
      createdAt: now,
    };
    if (reason !== undefined) ban.reason = reason;
    await this.store.putBan(ban);
    await this.writer.append({ eventId, entry: { type: 'ban', userId, until: ban.until } });
    const purged = purge ? await this.purge(eventId, userId) : 0;
    await this.log(actor, eventId, 'ban', userId, reason, undefined, {
      until: ban.until,
      ...(purge && { purged }),
    });
    return ban;
  }

  /**
   * Deletes a banned user's published comments in the event (a `delete` entry each), found
   * through the search index once it has caught up with the log; how many.
   */
  private async purge(eventId: string, userId: string): Promise<number> {
    while ((await this.store.indexLog(eventId, 500)) > 0) {}
    let purged = 0;
    let cursor: number | undefined;
    // Bounded: each page examines a bounded window of the event's index (an empty page may still
    // have a `next`); 10,000 of them cover any event's index many times over.
    for (let round = 0; round < 10_000; round++) {
      const page = await this.store.search({
        eventId,
        query: { terms: [] },
        authorId: userId,
        statuses: ['published'],
        limit: 200,
        ...(cursor !== undefined && { cursor }),
      });
      if (page.items.length > 0) {
        await Promise.all(
          page.items.map((h) => this.writer.append({ eventId, entry: { type: 'delete', commentId: h.comment.id } })),
        );
        // The deletes leave the index as it follows them; catch it up before the next page.
        while ((await this.store.indexLog(eventId, 500)) > 0) {}
        purged += page.items.length;
      }
      if (page.next === undefined) return purged;
      cursor = page.next;
    }
    return purged;
  }

  async unban(actor: Principal, eventId: string, userId: string): Promise<void> {
    this.against(actor, await this.authorise(actor, eventId), userId);
    const ban = await this.store.getBan(eventId, userId);
    const now = Date.now();
    if (!ban || (ban.until !== null && ban.until <= now)) throw errors.notFound('ban');
    // Viewers learn of the lift as a ban that ends now, so a client replaying history ends unbanned.
    await this.writer.append({ eventId, entry: { type: 'ban', userId, until: now } });
    await this.store.removeBan(eventId, userId);
    await this.log(actor, eventId, 'unban', userId);
  }

  /** Bans still in force. */
  async listBans(actor: Principal, eventId: string): Promise<Ban[]> {
    await this.authorise(actor, eventId);
    const now = Date.now();
    return (await this.store.listBans(eventId)).filter((b) => b.until === null || b.until > now);
  }

  async listLog(actor: Principal, eventId: string, limit: number): Promise<ModAction[]> {
    await this.authorise(actor, eventId);
    return this.store.listModActions(eventId, limit);
  }

  /** The event, if the actor moderates it and is not banned from it (auth/powers.ts); else `forbidden`. */
  private async authorise(actor: Principal, eventId: string): Promise<EventRecord & EventPowers> {
    const record = await this.events.get(eventId);
    const event = { ...record, moderators: (await this.roles.powers(record)).moderators };
    await requireModerator(actor, eventId, event, this.bans);
    return event;
  }

  /**
   * Counts a deletion in the owner's analytics, by who made it (the log's `delete` entry does not
   * say). Written once the entry is durable: a crash between the two loses this one count.
   */
  private async countDeletion(eventId: string, by: 'author' | 'moderator' | 'report'): Promise<void> {
    await this.store.applyAnalytics([deletionDelta(eventId, by, Date.now())]);
  }

  private against(actor: Principal, event: EventPowers, userId: string): void {
    const refusal = refusalAgainst(actor, event, userId);
    if (refusal) throw errors.forbidden(refusal);
  }

  private async log(
    actor: Principal,
    eventId: string,
    action: ModAction['action'],
    targetId: string,
    reason?: string,
    text?: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const entry: ModAction = { eventId, action, actorId: actor.id, at: Date.now(), targetId };
    if (reason !== undefined) entry.reason = reason;
    if (text !== undefined) entry.text = text;
    if (details !== undefined) entry.details = details;
    await this.store.addModAction(entry);
  }
}
