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
  counts(kind: AggregateKind, counts: string, lastSeq: number): Buffer | null;
  /** The viewer count, or null for a format that carries none. */
  presence(viewers: number): Buffer | null;
  /**
   * The resume point cannot be served: reload recent history, then follow on from `lastSeq` in
   * `epoch` (the log's current epoch; empty while it is unknown).
   */
  reset(lastSeq: number, reason: string, epoch: string): Buffer;
}

/** The ephemeral aggregates pushed per window: reactions (added) and like counts (absolute). */
export type AggregateKind = 'reactions' | 'likes';

/**
 * One batch of entries (as JSON texts, made once when they entered the channel), encoded lazily
 * and at most once per format, then shared by every subscriber of that format.
 */
export class Batch {
  private readonly encoded = new Map<WireFormat, Buffer>();

  constructor(
    readonly jsons: readonly string[],
    readonly firstSeq: number,
    readonly lastSeq: number,
    /** Per entry: whether the Top chat view shows it (absent: every entry). */
    readonly top?: readonly boolean[],
  ) {}

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
