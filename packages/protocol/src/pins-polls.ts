// Pins and polls (docs/API.md "Interactions"): their log entries and the state an event carries.

/** What is pinned at the top of the chat: a comment or a text of its own. */
export interface Pin {
  /** The pinned comment's id (a pin of a comment). */
  commentId?: string;
  /** The pinned text: the announcement, or the comment's text when a comment is pinned. */
  text?: string;
  /** The id of whoever pinned it. */
  by: string;
  /** When the pin ends by itself (epoch ms); absent for a pin that stays until unpinned. */
  expiresAt?: number;
  /** The author's name when a comment is pinned. */
  userName?: string;
}

/** A pin as the event carries it: with the seq of the entry that made it. */
export interface CurrentPin extends Pin {
  seq: number;
}

/** One option of a poll and its votes. */
export interface PollOption {
  text: string;
  votes: number;
}

/** Whether a poll takes votes. */
export type PollStatus = 'open' | 'closed';

/** A poll: its question, options with their votes (as of the entry), status and end. */
export interface Poll {
  id: string;
  question: string;
  options: PollOption[];
  status: PollStatus;
  /** When voting ends (epoch ms); a `closed` entry follows. */
  endsAt: number;
}

/** Pins something at the top of the chat (it replaces the previous pin). */
export interface PinEntry {
  seq: number;
  type: 'pin';
  pin: Pin;
}

/** Ends the current pin (by a moderator, or by itself at its expiry). */
export interface UnpinEntry {
  seq: number;
  type: 'unpin';
}

/** A poll started, its results so far (throttled), or its final results (`closed`). */
export interface PollEntry {
  seq: number;
  type: 'poll';
  poll: Poll;
}

/** Fewest and most options of a poll. */
export const POLL_OPTIONS = { min: 2, max: 6 } as const;
/** Longest poll question and option, and pin text, in code points. */
export const POLL_QUESTION_CHARS = 200;
export const POLL_OPTION_CHARS = 80;
export const PIN_TEXT_CHARS = 500;
