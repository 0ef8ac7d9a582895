// Wire encodings of the hub's frames, one function per frame and format (docs/API.md).
// Entries arrive as JSON text already, so a batch is joined, never re-serialised per viewer.

/** The three wire formats a subscriber can speak. */
export type WireFormat = 'ws' | 'sse' | 'poll';

/** A batch of entries (as JSON texts) in one wire format. */
export function entriesFrame(format: WireFormat, jsons: readonly string[], lastSeq: number): Buffer {
  const items = jsons.join(',');
  switch (format) {
    case 'ws':
      return Buffer.from(`{"type":"entries","items":[${items}]}`);
    case 'sse':
      return Buffer.from(`event: entries\nid: ${lastSeq}\ndata: {"items":[${items}]}\n\n`);
    case 'poll':
      return Buffer.from(`{"items":[${items}],"lastSeq":${lastSeq}}`);
  }
}

/** The viewer count (long polls get none). */
export function presenceFrame(format: WireFormat, viewers: number): Buffer | null {
  switch (format) {
    case 'ws':
      return Buffer.from(`{"type":"presence","viewers":${viewers}}`);
    case 'sse':
      return Buffer.from(`event: presence\ndata: {"viewers":${viewers}}\n\n`);
    case 'poll':
      return null;
  }
}

/** The resume point cannot be served: reload recent history, then follow on from `lastSeq`. */
export function resetFrame(format: WireFormat, lastSeq: number, reason: string): Buffer {
  const why = JSON.stringify(reason);
  switch (format) {
    case 'ws':
      return Buffer.from(`{"type":"reset","lastSeq":${lastSeq},"reason":${why}}`);
    case 'sse':
      return Buffer.from(`event: reset\nid: ${lastSeq}\ndata: {"lastSeq":${lastSeq},"reason":${why}}\n\n`);
    case 'poll':
      return Buffer.from(`{"items":[],"lastSeq":${lastSeq},"reset":true,"reason":${why}}`);
  }
}

/**
 * One batch, encoded lazily and at most once per format, then shared by every subscriber of
 * that format.
 */
export class Batch {
  private readonly encoded: Partial<Record<WireFormat, Buffer>> = {};

  constructor(
    readonly jsons: readonly string[],
    readonly firstSeq: number,
    readonly lastSeq: number,
  ) {}

  frame(format: WireFormat): Buffer {
    let bytes = this.encoded[format];
    if (!bytes) {
      bytes = entriesFrame(format, this.jsons, this.lastSeq);
      this.encoded[format] = bytes;
    }
    return bytes;
  }

  /** Total bytes encoded so far (for metrics). */
  get bytes(): number {
    let n = 0;
    for (const b of Object.values(this.encoded)) n += b.length;
    return n;
  }
}
