// Viewer interactions that are not log entries: reactions, likes and the Top chat list.

import type { Comment } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import type { BusListener } from '../engines/bus.js';
import type { Likes } from './likes.js';
import type { Reactions } from './reactions.js';

export { Likes } from './likes.js';
export { Reactions } from './reactions.js';
export { topComments, topRanker } from './top.js';
export { AggregateWindow } from './window.js';
export { withLikes } from './with-likes.js';

/** What the routes and transports use of the interactions. */
export interface InteractionServices {
  react(user: Principal, eventId: string, emoji: string): Promise<void>;
  reactionTotals(eventId: string): Promise<Record<string, number>>;
  like(user: Principal, eventId: string, commentId: string, liked: boolean): Promise<void>;
  top(eventId: string, limit: number): Promise<Comment[]>;
}

/** Window counts from the bus, for `BusListener.counts`. */
export type CountsListener = BusListener['counts'];

/** The interactions as one service over their parts. */
export function interactionServices(
  reactions: Reactions,
  likes: Likes,
  top: (eventId: string, limit: number) => Promise<Comment[]>,
): InteractionServices {
  return {
    react: (user, eventId, emoji) => reactions.react(user, eventId, emoji),
    reactionTotals: (eventId) => reactions.totals(eventId),
    like: (user, eventId, commentId, liked) => likes.set(user, eventId, commentId, liked),
    top,
  };
}
