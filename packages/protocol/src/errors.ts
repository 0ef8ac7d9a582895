/**
 * The one error catalogue: stable codes with their HTTP status. Clients read the code, never the
 * message.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  banned: 403,
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
