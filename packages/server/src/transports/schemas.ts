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

/** A sampled tier (`rate=R`, comments per second; transports/admission.ts checks its bounds). */
export const Rate = T.String({ pattern: '^[0-9]{1,6}$' });

/** A stream's query: where it resumes, and its view. */
export const StreamQuery = T.Object({
  after: T.Optional(Seq),
  before: T.Optional(Seq),
  limit: T.Optional(Seq),
  view: T.Optional(View),
  rate: T.Optional(Rate),
});

/** The query of a multi-event stream: `events=<id>:<after>,...` (at most 100), the view. */
export const MultiStreamQuery = T.Object({
  events: T.String({ minLength: 1, maxLength: 16_384 }),
  view: T.Optional(View),
  rate: T.Optional(Rate),
});
