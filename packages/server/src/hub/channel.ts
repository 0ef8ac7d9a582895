import { type Entry, RESET_EPOCH } from '@livecomments/protocol';
import { traceFlush } from '../util/tracing.js';
import { type AggregateKind, Batch, FLAG_TOP, type WireFormat } from './frames.js';
import { concerns, Sampler } from './sample.js';
import type { CloseReason, Subscriber } from './subscriber.js';

/** A subscriber with where it stands in the event's log. */
export interface Seat {
  readonly sub: Subscriber;
  /** The last seq written to this subscriber. */
  lastSeq: number;
  /** False while it is catching up from history; the flush skips it then. */
  live: boolean;
  closed: boolean;
  /**
   * Catch-up bytes still queued when it went live: not held against the slow-consumer bound
   * until its buffer has once come back under it.
   */
  allowance: number;
  /** The format it gets: the subscriber's, or the sampled one it was stepped down to when slow. */
  format: WireFormat;
}

/** An entry with its JSON text, made once when it enters the channel. */
interface Item {
  seq: number;
  json: string;
  entry: Entry;
  /** The views that show it (FLAG_TOP, the sampled tiers' bits). */
  flags: number;
  /** The viewer keys it concerns (comments that reply to or mention someone). */
  to: readonly string[] | undefined;
}

/** What ranks entries for the Top chat view (interactions/top.ts). */
export interface TopRanker {
  /** Whether the Top chat view shows this entry; `authors` is the channel's memory of who posted. */
  top(entry: Entry, event: { ownerId: string }, authors: AuthorMemory): boolean;
}

/** Published comments per author in one event, as far as this channel has seen (bounded). */
export class AuthorMemory {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  /** Comments of this author seen before. */
  seen(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }

  /** Counts a comment of the author (the least recently added author is forgotten past the bound). */
  add(userId: string): void {
    const n = this.counts.get(userId) ?? 0;
    this.counts.delete(userId);
    this.counts.set(userId, n + 1);
    if (this.counts.size > this.max) this.counts.delete(this.counts.keys().next().value!);
  }

  /** Forgets an author (banned: no longer in good standing). */
  forget(userId: string): void {
    this.counts.delete(userId);
  }
}

/** A bounded map that forgets its oldest key first (insertion order). */
class RecentMap {
  private readonly map = new Map<string, string>();

  constructor(private readonly max: number) {}

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  set(key: string, value: string): void {
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

/** What a channel needs from the hub around it. */
export interface ChannelContext {
  readAfter(eventId: string, after: number, limit: number): Promise<Entry[]>;
  /** The store's head of the event's log, or null when the event is unknown. */
  storeLastSeq(eventId: string): Promise<number | null>;
  /** The shortest flush window: a busy channel gathers entries at least this long. */
  flushMs: number;
  /** The longest flush window, however long flushes take. */
  maxFlushMs: number;
  ringSize: number;
  maxCatchUp: number;
  maxBufferedBytes: number;
  /** The most bytes of entries in one catch-up frame (well under `maxBufferedBytes`). */
  catchUpPageBytes: number;
  /** `ages`: seconds since each comment of the batch was accepted (empty when no one got it). */
  onFlush(seconds: number, batch: Batch, frames: number, ages: number[]): void;
  onSlow(): void;
  /** Entries a gap fill read from the store (the bus lost or has not yet brought them). */
  onFilled(eventId: string, entries: readonly Entry[]): void;
  onError(error: unknown, what: string): void;
  /** Ranks entries for the Top chat view (absent: every entry is shown there). */
  ranker?: TopRanker;
  /** Steps a slow live subscriber down to a sampled tier (`WireFormat.slower`) before cutting it off. */
  stepDown?: boolean;
  /** A slow subscriber was stepped down to a sampled tier. */
  onStepDown?(): void;
}

const READ_PAGE = 500;
/** The gap after a busy flush, as a share of the time it took (writes take up to about 80% of the loop). */
const FLUSH_GAP = 0.25;

/**
 * One event's fan-out in this node: the recent entries (a ring), the seats, and the pending
 * entries of the next flush. Entries come in from the bus in any order and with gaps; the
 * channel accepts them strictly in seq order, filling gaps from the store.
 */
export class Channel {
  /** The highest seq accepted (every seq up to it is in order). */
  lastSeq = 0;
  /** The epoch of the event's log, as the store had it when the channel started ('' unknown). */
  epoch = '';
  /** The event's owner (for the Top chat ranking). */
  ownerId = '';
  /** Who has posted here: authors in good standing rank in Top chat. */
  readonly authors = new AuthorMemory();
  /** The author of each recent comment, for replies that concern a viewer. */
  private readonly commentAuthors = new RecentMap(10_000);
  /** Which comments each sampled tier shows. */
  private readonly sampler = new Sampler();
  readonly seats = new Set<Seat>();
  /** When the last seat left, for lingering. */
  emptySince = Date.now();
  viewersPushed = -1;

  private initialised = false;
  private ring: Item[] = [];
  private pending: Item[] = [];
  private readonly future = new Map<number, Entry>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** When the last flush ended and how long it took (ms, monotonic): the gap after it adapts to it. */
  private lastFlushEnd = -Infinity;
  private lastFlushCost = 0;
  private filling = false;
  private refill = false;

  constructor(
    readonly eventId: string,
    private readonly ctx: ChannelContext,
  ) {}

  /** Sets the starting point once the bus subscription is in place. */
  init(lastSeq: number, epoch: string, ownerId = ''): void {
    this.lastSeq = lastSeq;
    this.epoch = epoch;
    this.ownerId = ownerId;
    this.initialised = true;
    this.drainFuture();
    if (this.future.size > 0) void this.fill();
  }

  /** New entries from the bus: accepted in order, duplicates dropped, gaps filled. */
  receive(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.seq > this.lastSeq || !this.initialised) this.future.set(entry.seq, entry);
    }
    if (!this.initialised) return;
    this.drainFuture();
    if (this.future.size > 0) void this.fill();
  }

  /** Reads from the store whatever is missing after `lastSeq` (a gap, or a bus that lost messages). */
  async fill(): Promise<void> {
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.refill = false;
        for (;;) {
          const entries = await this.ctx.readAfter(this.eventId, this.lastSeq, READ_PAGE);
          for (const entry of entries) this.future.set(entry.seq, entry);
          const before = this.lastSeq;
          this.drainFuture();
          if (entries.length > 0) this.ctx.onFilled(this.eventId, entries);
          if (entries.length < READ_PAGE || this.lastSeq === before) break;
        }
      } while (this.refill);
    } catch (error) {
      this.ctx.onError(error, 'gap fill');
    } finally {
      this.filling = false;
    }
  }

  /**
   * Seats a subscriber after `after` (undefined: from now on) of `epoch` (undefined: the client
   * sent none, so any). Catches it up from the ring or the store, or sends a reset when that
   * cannot be served (another epoch's position never is), then it follows live.
   */
  async attach(sub: Subscriber, after: number | undefined, epoch?: string): Promise<Seat> {
    const seat: Seat = { sub, lastSeq: this.lastSeq, live: false, closed: false, allowance: 0, format: sub.format };
    this.seats.add(seat);
    if (after !== undefined && epoch !== undefined && this.epoch !== '' && epoch !== this.epoch) {
      // The same seq of another history names other entries: reload rather than resume.
      this.reset(seat, RESET_EPOCH);
      return seat;
    }
    if (after === undefined || after === this.lastSeq) {
      seat.live = true;
      return seat;
    }
    if (after > this.lastSeq) {
      const head = await this.ctx.storeLastSeq(this.eventId);
      if (head !== null && after <= head) {
        // Another node has seen more than this one: follow on from `after` once we catch up.
        seat.lastSeq = after;
        seat.live = true;
        void this.fill();
      } else {
        this.reset(seat, 'the resume point is ahead of the log');
      }
      return seat;
    }
    if (this.lastSeq - after > this.ctx.maxCatchUp) {
      this.reset(seat, 'the resume point is too far back');
      return seat;
    }
    seat.lastSeq = after;
    await this.catchUp(seat);
    return seat;
  }

  detach(seat: Seat): void {
    seat.closed = true;
    if (this.seats.delete(seat) && this.seats.size === 0) this.emptySince = Date.now();
  }

  /** Sends the viewer count to every seat that takes it. */
  pushPresence(viewers: number): void {
    this.viewersPushed = viewers;
    // Encoded once per format in use.
    const frames = new Map<WireFormat, Buffer | null>();
    for (const seat of this.seats) {
      if (!seat.live) continue;
      const format = seat.format;
      let frame = frames.get(format);
      if (frame === undefined) {
        frame = format.presence(viewers, this.eventId);
        frames.set(format, frame);
      }
      if (frame) this.write(seat, frame);
    }
  }

  /**
   * Sends one window of an aggregate (`counts`: its JSON object) to every live seat, encoded
   * once per format (and, for formats that answer with a position, per position).
   */
  pushCounts(kind: AggregateKind, counts: string): void {
    const frames = new Map<WireFormat, Buffer | null>();
    const positioned = new Map<string, Buffer | null>();
    for (const seat of this.seats) {
      if (!seat.live) continue;
      const format = seat.format;
      let frame: Buffer | null | undefined;
      if (format.transient) {
        const key = `${format.name} ${seat.lastSeq}`;
        frame = positioned.get(key);
        if (frame === undefined) {
          frame = format.counts(kind, counts, seat.lastSeq, this.eventId);
          positioned.set(key, frame);
        }
      } else {
        frame = frames.get(format);
        if (frame === undefined) {
          frame = format.counts(kind, counts, seat.lastSeq, this.eventId);
          frames.set(format, frame);
        }
      }
      if (frame) this.write(seat, frame);
    }
  }

  /** Writes what is pending now (used at shutdown). */
  flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    this.flush();
  }

  /** Closes every seat. */
  closeAll(reason: CloseReason): void {
    for (const seat of [...this.seats]) {
      this.detach(seat);
      seat.sub.close(reason);
    }
  }

  private reset(seat: Seat, reason: string): void {
    seat.lastSeq = this.lastSeq;
    seat.live = true;
    this.write(seat, seat.format.reset(this.lastSeq, reason, this.epoch, this.eventId));
  }

  /**
   * Catches a seat up from the store, then the ring, in frames of at most `catchUpPageBytes`,
   * each written once the subscriber has drained the one before: any link makes progress, and
   * no catch-up is cut off as slow. The seat goes live once nothing is left to send.
   */
  private async catchUp(seat: Seat): Promise<void> {
    try {
      let stored: Item[] = [];
      let storeDry = false;
      // History gets its own sample (the live one has moved on): at most R a second all the same.
      const sampler = new Sampler();
      for (;;) {
        if (seat.closed) return;
        let page: Item[];
        if (!storeDry && seat.lastSeq + 1 < this.ringStart()) {
          // From the store until the ring covers the rest; the ring moves meanwhile, so re-check.
          if (stored.length === 0) {
            const want = Math.min(READ_PAGE, this.ringStart() - 1 - seat.lastSeq);
            const entries = await this.ctx.readAfter(this.eventId, seat.lastSeq, want);
            if (seat.closed) return;
            stored = entries.map((entry) => this.item(entry, false, sampler));
            storeDry = stored.length === 0;
            continue;
          }
          page = this.takePage(stored);
          stored = stored.slice(page.length);
        } else {
          stored = [];
          const rest = this.ring.filter((item) => item.seq > seat.lastSeq);
          if (rest.length === 0) {
            seat.live = true;
            seat.allowance = seat.sub.buffered();
            return;
          }
          page = this.takePage(rest);
        }
        const last = page[page.length - 1]!.seq;
        const batch = this.batch(page, page[0]!.seq, last);
        seat.lastSeq = last;
        const frame = this.frameFor(seat, batch);
        if (frame.length > 0 && !this.write(seat, frame)) return;
        await seat.sub.drained();
      }
    } catch (error) {
      this.ctx.onError(error, 'catch-up');
      this.detach(seat);
      seat.sub.close('gone');
    }
  }

  /** The leading items that fit in one catch-up frame (at least one). */
  private takePage(items: readonly Item[]): Item[] {
    let bytes = 0;
    let n = 0;
    while (n < items.length) {
      bytes += Buffer.byteLength(items[n]!.json);
      if (n > 0 && bytes > this.ctx.catchUpPageBytes) break;
      n++;
    }
    return items.slice(0, n);
  }

  /** The first seq the ring holds (or the next seq when it is empty). */
  private ringStart(): number {
    return this.ring[0]?.seq ?? this.lastSeq + 1;
  }

  private drainFuture(): void {
    for (;;) {
      const next = this.future.get(this.lastSeq + 1);
      if (!next) break;
      this.future.delete(next.seq);
      this.accept(next);
    }
    for (const seq of this.future.keys()) if (seq <= this.lastSeq) this.future.delete(seq);
  }

  /**
   * An entry with its JSON text, the views that show it and the viewers it concerns; `learn`
   * counts its author (live entries only). History read for a catch-up brings its own sampler.
   */
  private item(entry: Entry, learn: boolean, sampler = this.sampler): Item {
    const top = this.ctx.ranker ? this.ctx.ranker.top(entry, this, this.authors) : true;
    const flags = (top ? FLAG_TOP : 0) | sampler.tiers(entry, this.ownerId);
    let to: string[] | undefined;
    if (entry.type === 'comment') {
      const comment = entry.comment;
      const keys = concerns(
        comment,
        comment.parentId === undefined ? undefined : this.commentAuthors.get(comment.parentId),
      );
      if (keys.length > 0) to = keys;
      if (learn) {
        this.authors.add(comment.user.id);
        this.commentAuthors.set(comment.id, comment.user.id);
      }
    }
    if (learn && entry.type === 'ban') this.authors.forget(entry.userId);
    return { seq: entry.seq, json: JSON.stringify(entry), entry, flags, to };
  }

  /** A batch of items (all of one flush or catch-up page). */
  private batch(items: readonly Item[], first: number, last: number): Batch {
    return new Batch(
      items.map((i) => i.json),
      first,
      last,
      items.map((i) => i.flags),
      this.eventId,
      items.map((i) => i.to),
    );
  }

  /**
   * The frame of a batch for a seat: the shared one of its format, or, for a filtered view whose
   * viewer the batch concerns (a reply to them, a mention), one with those entries added.
   */
  private frameFor(seat: Seat, batch: Batch): Buffer {
    const format = seat.format;
    const viewer = seat.sub.viewer;
    if (format.mask && viewer) {
      const own = batch.forViewer(viewer, format.mask);
      if (own) return format.entries(own);
    }
    return batch.frame(format);
  }

  private accept(entry: Entry): void {
    this.lastSeq = entry.seq;
    const item = this.item(entry, true);
    this.ring.push(item);
    if (this.ring.length > this.ctx.ringSize * 2) this.ring = this.ring.slice(-this.ctx.ringSize);
    this.pending.push(item);
    if (entry.type === 'delete') this.blank(entry.commentId);
    this.schedule();
  }

  /** A deleted comment's text leaves the ring too, so a later catch-up does not show it. */
  private blank(commentId: string): void {
    for (let i = this.ring.length - 1; i >= 0; i--) {
      const item = this.ring[i]!;
      if (item.entry.type === 'comment' && item.entry.comment.id === commentId) {
        const entry: Entry = { ...item.entry, comment: { ...item.entry.comment, text: '' } };
        this.ring[i] = { ...item, json: JSON.stringify(entry), entry };
        return;
      }
    }
  }

  /**
   * Adaptive batching. A quiet channel flushes on the next turn of the event loop (entries of one
   * group commit still go out together). A busy one leaves a gap after each flush before the
   * next: a quarter of the time that flush took, between `flushMs` and `maxFlushMs`. So under load
   * the frames grow instead of the number of writes (a write costs about the same whatever its
   * size) and posts get their turn, while an entry that just missed a long flush waits about a
   * quarter of it more, not a whole one again: it has waited during the flush already.
   */
  private schedule(): void {
    if (this.timer) return;
    const gap = Math.min(this.ctx.maxFlushMs, Math.max(this.ctx.flushMs, this.lastFlushCost * FLUSH_GAP));
    const wait = this.lastFlushEnd + gap - performance.now();
    this.timer = wait >= 1 ? setTimeout(this.runFlush, wait) : setImmediate(this.runFlush);
  }

  private readonly runFlush = (): void => {
    this.timer = null;
    this.flush();
  };

  private flush(): void {
    const items = this.pending;
    if (items.length === 0) return;
    this.pending = [];
    const started = process.hrtime.bigint();
    const first = items[0]!.seq;
    const last = items[items.length - 1]!.seq;
    const batch = this.batch(items, first, last);
    let frames = 0;
    for (const seat of this.seats) {
      if (!seat.live || seat.lastSeq >= last) continue;
      let frame: Buffer;
      if (seat.lastSeq === first - 1) {
        frame = this.frameFor(seat, batch);
      } else {
        // Joined mid-batch (or ahead of this node): only what it lacks.
        const rest = items.filter((i) => i.seq > seat.lastSeq);
        if (rest.length === 0 || rest[0]!.seq !== seat.lastSeq + 1) continue;
        frame = this.frameFor(seat, this.batch(rest, rest[0]!.seq, last));
      }
      seat.lastSeq = last;
      // A filtered view may have nothing of this batch: it moves on without a frame.
      if (frame.length === 0) continue;
      this.write(seat, frame);
      frames++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.lastFlushCost = seconds * 1000;
    this.lastFlushEnd = performance.now();
    const ages: number[] = [];
    if (frames > 0) {
      const now = Date.now();
      for (const i of items)
        if (i.entry.type === 'comment') ages.push(Math.max(0, now - i.entry.comment.createdAt) / 1000);
    }
    this.ctx.onFlush(seconds, batch, frames, ages);
    traceFlush(this.eventId, first, last, frames);
  }

  /**
   * Writes to a seat; cuts a live one off when its buffer passes the bound (plus what its
   * catch-up left queued). False when it is gone.
   */
  private write(seat: Seat, frame: Buffer): boolean {
    if (seat.closed) return false;
    const open = seat.sub.write(frame);
    if (!open) {
      this.detach(seat);
      return false;
    }
    // Catch-up paces itself on the socket's drain; the bound is for a viewer behind live.
    if (!seat.live) return true;
    const buffered = seat.sub.buffered();
    if (buffered <= this.ctx.maxBufferedBytes) {
      seat.allowance = 0;
      return true;
    }
    if (buffered <= this.ctx.maxBufferedBytes + seat.allowance) return true;
    const slower = this.ctx.stepDown ? seat.format.slower?.() : null;
    if (slower) {
      // Fewer comments instead of none: it may grow by one more bound before it is cut off.
      seat.format = slower;
      seat.allowance = buffered;
      this.ctx.onStepDown?.();
      return true;
    }
    this.ctx.onSlow();
    this.detach(seat);
    seat.sub.close('slow');
    return false;
  }
}
