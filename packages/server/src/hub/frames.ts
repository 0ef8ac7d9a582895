// What the hub hands the transports: batches of entries, and the wire formats that encode them.
// The hub knows no wire format: each transport brings its own (transports/encoders.ts), and the
// hub asks it for bytes once per batch and format in use, never once per viewer.

/**
 * How one transport puts the hub's frames on the wire: one shared object per transport, held by
 * each of its subscribers. A new transport, or a compressed variant of one, is one new format.
 */
export interface WireFormat {
  /** The transport's name, for metrics (`ws`, `sse`, `poll`). */
  readonly name: string;
  /**
   * Set for a format whose subscriber answers once and is seated again per request (long
   * polling): its seats do not count as viewers; the transport counts them with `noteViewer`.
   */
  readonly transient?: boolean;
  /**
   * A batch of entries. An empty buffer means "nothing for this format" (a filtered view whose
   * filter dropped every entry): the subscriber's position still moves past the batch.
   */
  entries(batch: Batch): Buffer;
  /**
   * One window of an ephemeral aggregate (`counts` is its JSON object), or null for a format that
   * carries none. `lastSeq` is the subscriber's position, for a format that answers with it (long
   * polls); the others ignore it, so the hub encodes it once per format.
   */
  counts(kind: AggregateKind, counts: string, lastSeq: number, eventId: string): Buffer | null;
  /** The viewer count, or null for a format that carries none. */
  presence(viewers: number, eventId: string): Buffer | null;
  /**
   * The resume point cannot be served: reload recent history, then follow on from `lastSeq` in
   * `epoch` (the log's current epoch; empty while it is unknown).
   */
  reset(lastSeq: number, reason: string, epoch: string, eventId: string): Buffer;
  /**
   * The flags an entry needs for this format to show it (`FLAG_TOP`, a tier's bit); 0 or absent:
   * every entry. A format with a mask is a filtered view: the channel adds each viewer's own
   * priority entries (replies to and mentions of the viewer) to what the mask keeps.
   */
  readonly mask?: number;
  /** The sampled format a slow subscriber of this one steps down to, or null when there is none. */
  slower?(): WireFormat | null;
}

/** Flag of an entry the Top chat view shows. */
export const FLAG_TOP = 1;
/** Every flag set: an entry every view shows (a viewer's own priority entries). */
export const FLAG_ALL = 0x7fffffff;

/**
 * The sampled tiers (`rate=R`, comments per second), each a flag bit of its own (bit i + 1): a
 * subscriber asking for R gets the largest tier at most R, so each tier is encoded once for all.
 */
export const SAMPLE_TIERS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** The flag of sampled tier `index` (in SAMPLE_TIERS). */
export function tierFlag(index: number): number {
  return 1 << (index + 1);
}

/** The index in SAMPLE_TIERS of the largest tier at most `rate` (rate >= 1). */
export function tierFor(rate: number): number {
  let index = 0;
  while (index + 1 < SAMPLE_TIERS.length && SAMPLE_TIERS[index + 1]! <= rate) index++;
  return index;
}

/**
 * The keys an entry is matched to a viewer by: the viewer's user id and name (lower case).
 * Entries carry the keys of those they concern (the author replied to, the names
 * mentioned), so a viewer's extras are a map look-up per batch, not a scan per viewer.
 */
export function viewerKeys(userId: string, name: string): string[] {
  return [`u:${userId}`, `n:${name.toLowerCase()}`];
}

/** The ephemeral aggregates pushed per window: reactions (added) and like counts (absolute). */
export type AggregateKind = 'reactions' | 'likes';

/**
 * One batch of entries (as JSON texts, made once when they entered the channel), encoded lazily
 * and at most once per format, then shared by every subscriber of that format.
 */
export class Batch {
  private readonly encoded = new Map<WireFormat, Buffer>();

  /** Viewer key -> indexes of the entries that concern that viewer (built on first use). */
  private concerns: Map<string, number[]> | null = null;

  constructor(
    readonly jsons: readonly string[],
    readonly firstSeq: number,
    readonly lastSeq: number,
    /** Per entry: the views that show it (FLAG_TOP, tier bits); absent: every view shows every entry. */
    readonly flags?: readonly number[],
    /** The event it belongs to (multi-event formats name it). */
    readonly eventId = '',
    /** Per entry: the viewer keys it concerns (`viewerKeys`), for a filtered view's per-viewer extras. */
    readonly targets?: readonly (readonly string[] | undefined)[],
  ) {}

  /** Whether the entry at `index` is shown by a format of `mask`. */
  shows(index: number, mask: number): boolean {
    return ((this.flags?.[index] ?? FLAG_ALL) & mask) === mask;
  }

  /**
   * The batch as a filtered view of `mask` shows it to one viewer (`keys`: `viewerKeys`): what the
   * view keeps plus the entries that concern the viewer, or null when there are none of those (the
   * shared frame serves). Only the few viewers concerned pay for a frame of their own.
   */
  forViewer(keys: readonly string[], mask: number): Batch | null {
    if (!this.targets) return null;
    if (!this.concerns) {
      this.concerns = new Map();
      for (let i = 0; i < this.targets.length; i++) {
        for (const key of this.targets[i] ?? []) {
          const list = this.concerns.get(key);
          if (list) list.push(i);
          else this.concerns.set(key, [i]);
        }
      }
    }
    let extra: Set<number> | null = null;
    for (const key of keys) {
      for (const i of this.concerns.get(key) ?? []) {
        if (this.shows(i, mask)) continue;
        extra ??= new Set();
        extra.add(i);
      }
    }
    if (!extra) return null;
    const jsons: string[] = [];
    for (let i = 0; i < this.jsons.length; i++) if (extra.has(i) || this.shows(i, mask)) jsons.push(this.jsons[i]!);
    return new Batch(jsons, this.firstSeq, this.lastSeq, undefined, this.eventId);
  }

  /** The batch in `format`, encoded on first use. */
  frame(format: WireFormat): Buffer {
    let bytes = this.encoded.get(format);
    if (!bytes) {
      bytes = format.entries(this);
      this.encoded.set(format, bytes);
    }
    return bytes;
  }

  /** Total bytes encoded so far (for metrics). */
  get bytes(): number {
    let n = 0;
    for (const b of this.encoded.values()) n += b.length;
    return n;
  }
}
