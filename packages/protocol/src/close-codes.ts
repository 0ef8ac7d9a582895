/**
 * WebSocket close codes the server uses. After any of them but `BANNED` and `NOT_FOUND` a client
 * reconnects and resumes from the last `seq` it saw.
 */
export const CloseCode = {
  /** The server is shutting down or restarting: reconnect (elsewhere). RFC 6455 "service restart". */
  RESTART: 1012,
  /** Protocol error, e.g. a frame that is not JSON text. */
  POLICY: 1008,
  /** A frame over the size limit. */
  TOO_LARGE: 1009,
  /** The client did not drain its socket fast enough: resume from the last seq. */
  SLOW: 4008,
  /** No pong to the server's ping in time. */
  NO_PONG: 4009,
  /** The client's user is banned from the event. */
  BANNED: 4003,
  /** The event does not exist (any more). */
  NOT_FOUND: 4004,
  /** Too many connections from one address. */
  TOO_MANY: 4029,
} as const;

/** One of the close codes above. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];
