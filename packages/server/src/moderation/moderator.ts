import type { EventSettings, UserRef } from '@livecomments/protocol';

/** What the pipeline decides for one comment. */
export type Verdict = 'approve' | 'hold' | 'block';

/** A comment about to be published, after validation and normalisation. */
export interface ModerationInput {
  eventId: string;
  user: UserRef;
  /** Normalised text (NFC, no control characters, trimmed). */
  text: string;
  settings: EventSettings;
  now: number;
}

/** The pipeline's decision, with why. `text` may differ from the input (e.g. masked profanity). */
export interface ModerationResult {
  verdict: Verdict;
  text: string;
  /** Machine-readable reasons, e.g. `blocked_term`, `link`, `spam`, `toxicity`, `duplicate`. */
  reasons: string[];
  /** Scores in 0..1 by name, e.g. `spam`, `toxicity`. */
  scores: Record<string, number>;
  /** Set on a block when the event's shadow option is on: show it to its author only. */
  shadow?: boolean;
}

/**
 * Who decided a labeled example: an admin, a global moderator, or the event's owner. Owners are
 * not trusted to teach the shared models by default: any user may own an event (#14).
 */
export type ExampleSource = 'admin' | 'moderator' | 'owner';

/** A moderator's decision on a held comment, kept as a labeled example for retraining. */
export interface LabeledExample {
  eventId: string;
  /** Who decided it; missing in examples kept before sources were recorded (then not trusted). */
  decidedBy?: ExampleSource;
  /** The user who decided it. */
  actorId?: string;
  text: string;
  /** `approve` = acceptable comment, `reject` = unacceptable. */
  label: 'approve' | 'reject';
  at: number;
  /** Why the pipeline held it (e.g. `spam`, `toxicity`): tells retraining which model it teaches. */
  reasons?: string[];
}

/**
 * The staged moderation pipeline in the write path, run before the store. `check` must stay
 * fast (well under a millisecond): models are loaded once at start, never trained inline.
 */
export interface Moderator {
  check(input: ModerationInput): Promise<ModerationResult>;
  /** Learns of a moderator's decision (stored for the retrain command). */
  learn(example: LabeledExample): Promise<void>;
  close(): Promise<void>;
}
