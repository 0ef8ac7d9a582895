/**
 * The live comment client SDK: `connect(eventId, options)` streams an event's comments over
 * WebSocket, Server-Sent Events or long polling, in order and exactly once; `LiveCommentsApi`
 * wraps the REST API. Works in browsers and Node 20+.
 */

export type {
  Badge,
  BanEntry,
  ChatModeCode,
  Comment,
  CommentEntry,
  CurrentPin,
  DeleteEntry,
  Emote,
  EntriesPage,
  Entry,
  ErrorBody,
  ErrorCode,
  EventEntry,
  EventModerator,
  EventSettings,
  EventStatus,
  LiveEvent,
  Pin,
  PinEntry,
  Poll,
  PollEntry,
  PollOption,
  PollStatus,
  PostStatus,
  PublicEvent,
  PublicSettings,
  ReplayPage,
  ReportSummary,
  Role,
  SettingsPatch,
  UnpinEntry,
  UserRef,
} from '@livecomments/protocol';
export { CHAT_MODE_CODES } from '@livecomments/protocol';
export {
  ApiError,
  type ApiOptions,
  type BanRecord,
  type ClientErrorBody,
  type ClientErrorCode,
  type HeldComment,
  LiveCommentsApi,
  type ModerationLogItem,
  type PostBody,
  type TokenSource,
  UnauthorizedError,
} from './api.js';
export type { BackoffOptions } from './backoff.js';
export { connect, LiveComments } from './client.js';
export {
  connectMany,
  MultiConnection,
  type MultiEvents,
  type MultiOptions,
  type SubscribeOptions,
} from './multi.js';
export { makeClientId } from './post.js';
export { type ReplayClock, type ReplayEvents, type ReplayOptions, ReplayPlayer, type ReplayState } from './replay.js';
export type { TransportName, WebSocketConstructor, WebSocketInstance } from './transports/types.js';
export type * from './types.js';
