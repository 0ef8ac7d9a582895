// Request shapes, declared once and validated at the edge (docs/API.md).
import { SettingsPatchSchema } from '@livecomments/protocol/settings';
import { type Static, Type as T } from '@sinclair/typebox';
import { EventParams, Id, ListCommentsQuery, Seq } from '../transports/schemas.js';

export { EventParams, ListCommentsQuery, Seq };
export const CommentParams = T.Object({ eventId: Id, commentId: Id });
export const UserParams = T.Object({ eventId: Id, userId: T.String({ minLength: 1, maxLength: 200 }) });

export const CreateEventBody = T.Object(
  {
    title: T.String({ minLength: 1, maxLength: 200 }),
    settings: T.Optional(SettingsPatchSchema),
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBody>;

export const PatchEventBody = T.Object(
  {
    title: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
    settings: T.Optional(SettingsPatchSchema),
  },
  { additionalProperties: false },
);
export type PatchEventBody = Static<typeof PatchEventBody>;

export const ListEventsQuery = T.Object({
  status: T.Optional(T.Union([T.Literal('live'), T.Literal('ended')])),
  limit: T.Optional(Seq),
});

export const PostCommentBody = T.Object(
  {
    text: T.String({ maxLength: 20_000 }),
    clientId: T.Optional(T.String({ minLength: 1, maxLength: 128 })),
    parentId: T.Optional(Id),
    // Checked against the event's running time by the write path (events/media.ts).
    mediaTimeMs: T.Optional(T.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type PostCommentBody = Static<typeof PostCommentBody>;

/** A comment as answers carry it (protocol `Comment`). */
export const CommentReply = T.Object({
  id: T.String(),
  eventId: T.String(),
  seq: T.Integer(),
  user: T.Object({
    id: T.String(),
    name: T.String(),
    badges: T.Optional(T.Array(T.String())),
    avatarUrl: T.Optional(T.String()),
  }),
  text: T.String(),
  createdAt: T.Number(),
  parentId: T.Optional(T.String()),
  mediaTimeMs: T.Optional(T.Number()),
});

/**
 * The answer to a post (201 published, 202 held). Declared so fastify serialises it with a
 * compiled serialiser instead of JSON.stringify.
 */
export const PostCommentReply = T.Object({
  status: T.String(),
  comment: CommentReply,
});

export const ReviewBody = T.Object(
  {
    action: T.Union([T.Literal('approve'), T.Literal('reject')]),
    reason: T.Optional(T.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const BanBody = T.Object(
  {
    userId: T.String({ minLength: 1, maxLength: 200 }),
    durationMs: T.Optional(T.Integer({ minimum: 1, maximum: 10 * 365 * 86_400_000 })),
    reason: T.Optional(T.String({ maxLength: 500 })),
    /** Also delete the user's published comments in the event. */
    purge: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

export const DevTokenBody = T.Object(
  {
    name: T.String({ minLength: 1, maxLength: 64 }),
    role: T.Optional(T.Union([T.Literal('viewer'), T.Literal('moderator'), T.Literal('admin'), T.Literal('service')])),
    /** Claims the `member` badge (from this machine only, like the privileged roles). */
    member: T.Optional(T.Boolean()),
    /** Claims a follow time, ms since the epoch (from this machine only). */
    followedAt: T.Optional(T.Integer({ minimum: 0, maximum: 8_640_000_000_000 })),
  },
  { additionalProperties: false },
);

export const LimitQuery = T.Object({ limit: T.Optional(Seq) });

/** A numeric query value within bounds, or the default. */
export function intParam(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  return Math.min(Number(value), max);
}

// Replies, reports and event moderators (docs/API.md "Replies", "Reports", "Badges and roles").
export const ReportBody = T.Object(
  { reason: T.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** Appointing a moderator: optionally the name to protect until they post under their own. */
export const ModeratorBody = T.Object(
  { name: T.Optional(T.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
