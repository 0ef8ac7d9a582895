/**
 * The one error catalogue: stable codes with their HTTP status. Clients read the code, never the
 * message.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  banned: 403,
  /** Members-only mode: the token carries no `member` badge. */
  members_only: 403,
  /** Followers-only mode: not following, or not for `minFollowMinutes` yet. */
  followers_only: 403,
  /** Emote-only mode: the text holds something other than emoji and the event's emotes. */
  emote_only: 403,
  not_found: 404,
  conflict: 409,
  event_ended: 409,
  too_large: 413,
  rejected: 422,
  rate_limited: 429,
  slow_mode: 429,
  unavailable: 503,
  /** The app's connect or post proxy did not answer in time (or failed) and the node fails closed. */
  proxy_unavailable: 503,
  internal: 500,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes after which the same request may succeed later (the client may retry). */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'slow_mode',
  'unavailable',
  'proxy_unavailable',
]);

/** The refusals of the chat modes (docs/API.md "Emotes and chat modes"): the composer explains each. */
export const CHAT_MODE_CODES = ['members_only', 'followers_only', 'emote_only'] as const satisfies readonly ErrorCode[];

/** A chat mode's refusal code. */
export type ChatModeCode = (typeof CHAT_MODE_CODES)[number];
