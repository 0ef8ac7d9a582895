// Request shapes the streaming transports share with the REST routes (docs/API.md), declared once.
import { Type as T } from '@sinclair/typebox';

/** A position in an event's log, as a query string carries it. */
export const Seq = T.String({ pattern: '^[0-9]{1,15}$' });
/** An event or comment id. */
export const Id = T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });

/** `/v1/events/:eventId/...` */
export const EventParams = T.Object({ eventId: Id });

/** The Top chat view (`top`) or every comment (`live`, the default). */
export const View = T.Union([T.Literal('live'), T.Literal('top')]);

/** Where a read of the log starts: after or before a position, how many entries, which view. */
export const ListCommentsQuery = T.Object({
  after: T.Optional(Seq),
  before: T.Optional(Seq),
  limit: T.Optional(Seq),
  view: T.Optional(View),
});

/** A stream's query: where it resumes, and its view. */
export const StreamQuery = T.Object({
  after: T.Optional(Seq),
  before: T.Optional(Seq),
  limit: T.Optional(Seq),
  view: T.Optional(View),
});
