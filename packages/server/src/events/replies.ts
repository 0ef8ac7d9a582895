import type { Comment } from '@livecomments/protocol';
import type { Store } from '../engines/store.js';
import { errors } from '../util/errors.js';
import type { Events } from './events.js';

/** A comment's thread (docs/API.md "Replies"): its published replies, oldest first. */
export class Replies {
  constructor(
    private readonly store: Store,
    private readonly events: Pick<Events, 'get'>,
  ) {}

  /** The replies to `commentId`; `not_found` for an unknown event or a comment never published. */
  async list(eventId: string, commentId: string, limit: number): Promise<Comment[]> {
    await this.events.get(eventId);
    const parent = await this.store.getComment(eventId, commentId);
    // A deleted parent keeps its thread: the replies were published on their own.
    if (parent?.status !== 'published' && parent?.status !== 'deleted') throw errors.notFound('comment');
    if (limit === 0) return [];
    return this.store.listReplies(eventId, commentId, limit);
  }
}
