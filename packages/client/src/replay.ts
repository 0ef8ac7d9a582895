// Replay mode: an event's comments played in media-time order against a player clock
// (docs/API.md "Media time and replay").
import type { Comment, ReplayPage } from '@livecomments/protocol';
import { ApiError, type ApiOptions, LiveCommentsApi } from './api.js';
import { Emitter } from './emitter.js';

/** The time source of a player: the real one by default, a fake one in tests. */
export interface ReplayClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of `ReplayPlayer`. */
export interface ReplayOptions extends ApiOptions {
  /** The REST client to read pages with (default: one made from these options). */
  api?: Pick<LiveCommentsApi, 'replay'>;
  /** Comments per page read (default 100, at most 500). */
  pageSize?: number;
  /** After a seek, comments up to this far before the position are shown at once (default 60 s). */
  contextMs?: number;
  /** After a seek, at most this many of them, the latest (default 50). */
  contextMax?: number;
  /**
   * Once the replay has caught up with what is stored, ask again this often (ms of real time):
   * for a live event watched behind. 0 (the default) stops there, as for an ended event.
   */
  followMs?: number;
  clock?: ReplayClock;
}

/** What a player tells. */
export interface ReplayEvents {
  /** A comment whose media time the position reached, in media-time order. */
  comment: (comment: Comment) => void;
  /** After a seek: what the chat shows now (the latest comments before the position), replacing all. */
  reset: (shown: Comment[]) => void;
  /** Play, pause, speed or seek changed (`positionMs` as of now). */
  state: (state: ReplayState) => void;
  /** A page could not be read; the player tries again on the next play or seek. */
  error: (error: ApiError) => void;
}

/** Where a player stands. */
export interface ReplayState {
  playing: boolean;
  positionMs: number;
  speed: number;
}

const realClock: ReplayClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Seek reads: at most this many pages to reach the position from `contextMs` before it. */
const SEEK_PAGES = 5;

/**
 * Plays an event's chat beside its media: `seek(ms)` loads the comments around a position,
 * `play()` hands out each comment when the position reaches its `mediaTimeMs` (at `speed`),
 * `pause()` stops the clock. Pages are read ahead from the server (`GET .../replay`), which
 * leaves out what moderators removed, whenever they removed it.
 */
export class ReplayPlayer extends Emitter<ReplayEvents> {
  readonly eventId: string;
  readonly #api: Pick<LiveCommentsApi, 'replay'>;
  readonly #clock: ReplayClock;
  readonly #page: number;
  readonly #o: ReplayOptions;
  /** The position at `#at` on the clock. */
  #base = 0;
  #at = 0;
  #playing = false;
  #speed = 1;
  /** Read, not yet handed out, in media-time order. */
  #ahead: Comment[] = [];
  /** The next page's cursor; undefined before the first read after a seek. */
  #next: string | undefined;
  /** The last page read was short: nothing more is stored (now). */
  #end = false;
  #reading: Promise<void> | null = null;
  /** Bumped by each seek: a read for an older position is dropped. */
  #gen = 0;
  #timer: unknown;
  #closed = false;
  /** The seek generation whose read failed (reads wait for the user then), else -1. */
  #failedAt = -1;

  constructor(eventId: string, options: ReplayOptions = {}) {
    super();
    this.eventId = eventId;
    this.#o = options;
    this.#api = options.api ?? new LiveCommentsApi(options);
    this.#clock = options.clock ?? realClock;
    this.#page = Math.min(500, options.pageSize ?? 100);
  }

  /** The position now, ms of media time. */
  get positionMs(): number {
    return this.#playing ? this.#base + (this.#clock.now() - this.#at) * this.#speed : this.#base;
  }

  get playing(): boolean {
    return this.#playing;
  }

  get speed(): number {
    return this.#speed;
  }

  /** Starts the clock (from where it stands: call `seek` first to load around the start). */
  play(): void {
    if (this.#playing || this.#closed) return;
    this.#at = this.#clock.now();
    this.#playing = true;
    this.#changed();
  }

  /** Stops the clock; nothing more is handed out until `play`. */
  pause(): void {
    if (!this.#playing) return;
    this.#base = this.positionMs;
    this.#playing = false;
    this.#changed();
  }

  /** Plays faster or slower (0.25 to 16 times). */
  setSpeed(speed: number): void {
    if (!(speed >= 0.25 && speed <= 16)) throw new RangeError('speed must be 0.25 to 16');
    this.#base = this.positionMs;
    this.#at = this.#clock.now();
    this.#speed = speed;
    this.#changed();
  }

  /**
   * Moves to `ms`: `reset` tells what the chat shows there (the latest comments up to it), then
   * playing goes on from it. Resolves once those are loaded.
   */
  seek(ms: number): Promise<void> {
    const gen = ++this.#gen;
    this.#base = Math.max(0, ms);
    this.#at = this.#clock.now();
    this.#ahead = [];
    this.#next = undefined;
    this.#end = false;
    this.#failedAt = -1;
    this.#stopTimer();
    this.#state();
    return this.#run(gen, this.#seekRead(gen, this.#base));
  }

  /** Resolves when no page is being read (tests and pages waiting for a read to land). */
  async idle(): Promise<void> {
    while (this.#reading) await this.#reading;
  }

  /** Stops for good. */
  close(): void {
    this.#closed = true;
    this.#playing = false;
    this.#gen++;
    this.#stopTimer();
    this.removeAllHandlers();
  }

  /** Reads from `contextMs` before `ms` up to `ms`: the context shown, and what follows it. */
  async #seekRead(gen: number, ms: number): Promise<void> {
    const shown: Comment[] = [];
    const max = this.#o.contextMax ?? 50;
    let page = await this.#api.replay(this.eventId, {
      fromMs: Math.max(0, ms - (this.#o.contextMs ?? 60_000)),
      limit: this.#page,
    });
    for (let n = 1; ; n++) {
      if (gen !== this.#gen) return;
      this.#take(page);
      while (this.#ahead.length > 0 && (this.#ahead[0]!.mediaTimeMs ?? 0) <= ms) shown.push(this.#ahead.shift()!);
      if (shown.length > max) shown.splice(0, shown.length - max);
      if (this.#ahead.length > 0 || this.#end || n >= SEEK_PAGES) break;
      page = await this.#api.replay(this.eventId, { cursor: this.#next!, limit: this.#page });
    }
    // Too many comments between the context's start and `ms` to read: go on from `ms` itself.
    if (this.#ahead.length === 0 && !this.#end) this.#next = undefined;
    this.emit('reset', shown);
  }

  #take(page: ReplayPage): void {
    this.#ahead.push(...page.items);
    if (page.next !== undefined) this.#next = page.next;
    this.#end = page.items.length < this.#page;
  }

  /** Hands out what is due, reads ahead when little is left, and sets the timer for the next. */
  #tick = (): void => {
    this.#stopTimer();
    if (this.#closed) return;
    const pos = this.positionMs;
    while (this.#ahead.length > 0 && (this.#ahead[0]!.mediaTimeMs ?? 0) <= pos)
      this.emit('comment', this.#ahead.shift()!);
    if (this.#ahead.length < this.#page / 2 && !this.#reading) this.#readAhead();
    if (!this.#playing) return;
    const next = this.#ahead[0];
    if (next) this.#timer = this.#clock.setTimeout(this.#tick, ((next.mediaTimeMs ?? 0) - pos) / this.#speed);
    else if (this.#end && this.#o.followMs) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#end = false;
        this.#tick();
      }, this.#o.followMs);
    }
  };

  #readAhead(): void {
    // After a failed read, the next one waits for a play, seek or speed change.
    if (this.#end || this.#failedAt === this.#gen) return;
    const gen = this.#gen;
    const from = this.#next === undefined ? { fromMs: this.positionMs } : { cursor: this.#next };
    void this.#run(
      gen,
      this.#api.replay(this.eventId, { ...from, limit: this.#page }).then((page) => {
        if (gen === this.#gen) this.#take(page);
      }),
    );
  }

  /** Runs one read as the current one; when it is over, hands out what is due and reads on. */
  #run(gen: number, work: Promise<void>): Promise<void> {
    const reading: Promise<void> = work
      .catch((err: unknown) => {
        if (gen !== this.#gen) return;
        this.#failedAt = gen;
        this.emit('error', err instanceof ApiError ? err : new ApiError(0, { code: 'network', message: String(err) }));
      })
      .finally(() => {
        if (this.#reading !== reading) return;
        this.#reading = null;
        if (gen === this.#gen) this.#tick();
      });
    this.#reading = reading;
    return reading;
  }

  #state(): void {
    this.emit('state', { playing: this.#playing, positionMs: this.positionMs, speed: this.#speed });
  }

  #changed(): void {
    this.#failedAt = -1;
    this.#state();
    this.#tick();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
