/**
 * The live comment client SDK: `connect(eventId, options)` streams an event's comments over
 * WebSocket, Server-Sent Events or long polling, in order and exactly once; `LiveCommentsApi`
 * wraps the REST API. Works in browsers and Node 20+.
 */
export * from './api.js';
export * from './backoff.js';
export * from './client.js';
export { makeClientId } from './post.js';
export type { TransportName, WebSocketConstructor, WebSocketLike } from './transports/types.js';
export type * from './types.js';
