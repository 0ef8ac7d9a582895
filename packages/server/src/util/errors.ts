import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@livecomments/protocol';

/** An error with a stable code from the catalogue; the http module turns it into a response. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Set where the refusal was logged on the security channel already (util/security-log.ts). */
  securityLogged = false;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  /** The JSON body: `{"error": {code, message, ...details}}`. */
  toBody(): { error: ErrorBody } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

/** Builds the catalogued errors, so messages and details stay consistent. */
export const errors = {
  invalid: (message: string, details?: Record<string, unknown>) => new AppError('invalid_request', message, details),
  unauthenticated: (message = 'a valid bearer token is required') => new AppError('unauthenticated', message),
  forbidden: (message = 'you may not do this') => new AppError('forbidden', message),
  banned: (until: number | null) =>
    new AppError(
      'banned',
      until === null ? 'you are banned from this event' : 'you are banned from this event for now',
      {
        until,
      },
    ),
  notFound: (what: string) => new AppError('not_found', `${what} not found`),
  conflict: (message: string) => new AppError('conflict', message),
  ended: () => new AppError('event_ended', 'the event has ended'),
  tooLarge: (message: string, details?: Record<string, unknown>) => new AppError('too_large', message, details),
  rejected: (reasons: string[]) =>
    new AppError('rejected', 'the comment was refused by moderation', { reasons: reasons.slice(0, 10) }),
  rateLimited: (retryAfterMs: number, message = 'too many comments; wait before posting again') =>
    new AppError('rate_limited', message, { retryAfterMs }),
  /** The per-address connection cap: `rate_limited` (the contract's code list), with its own message. */
  tooManyConnections: (retryAfterMs: number) =>
    new AppError('rate_limited', 'too many open connections from your address; close one or retry later', {
      retryAfterMs,
    }),
  slowMode: (retryAfterMs: number) =>
    new AppError('slow_mode', 'slow mode is on; wait before posting again', { retryAfterMs }),
  unavailable: (message = 'the service is unavailable; try again shortly') => new AppError('unavailable', message),
  /** The app refused through its connect or post proxy; `reason` is the app's text, for the user. */
  refusedByApp: (reason: string) => new AppError('forbidden', reason, { reason }),
  /** The app's proxy did not answer (or failed) and the node fails closed. */
  proxyUnavailable: (proxy: 'connect' | 'post') =>
    new AppError(
      'proxy_unavailable',
      proxy === 'connect'
        ? 'signing in through the app is unavailable; try again shortly'
        : "the app's check of comments is unavailable; try again shortly",
    ),
};

/** Turns any thrown value into an AppError; unknown failures of a dependency become `unavailable`. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return errors.unavailable();
}
