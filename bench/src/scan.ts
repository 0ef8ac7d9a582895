// Reading delivered frames cheaply. A viewer never parses JSON: it finds the first and the last
// entry of a frame with two native searches and reads their seq. The send-time stamps inside the
// comment texts are read once per distinct frame in a process (every viewer of a hot event gets
// the same bytes), through a small cache keyed by event, seq range and length.

const ENTRY = Buffer.from('{"seq":');
const STAMP = Buffer.from('"text":"~T');

/** What a frame of entries holds. */
export interface FrameInfo {
  first: number;
  last: number;
  /** Entries in the frame (last - first + 1 when the range is gapless). */
  count: number;
  /** False when the seqs inside were not consecutive (a server bug the bench reports). */
  consecutive: boolean;
  /** Send time (monotonic microseconds) of seq first + i, NaN for entries without a stamp. */
  stamps: Float64Array;
}

/** The comment text a poster sends: the stamp, then filler up to `size` characters. */
export function stampedText(sentUs: number, size: number, tag: string, chatSeed?: number): string {
  const head = `~T${Math.round(sentUs)}~${tag} `;
  if (size <= head.length) return head;
  return head + (chatSeed === undefined ? 'x'.repeat(size - head.length) : chatWords(chatSeed, size - head.length));
}

/** Words of live chat, for text that compresses as chat does (not as a run of one letter). */
const CHAT_WORDS = (
  'what a goal no way that was offside lol the ref is blind come on amazing save did you see ' +
  'that replay please GG haha this is wild he missed it again best match of the season who ' +
  'else is watching from Brazil hello everyone first time here love this stream insane pass ' +
  'defense wake up unreal LETS GO why would you do that clip it coach sub him off 100% yes ' +
  'nope my heart cannot take this keeper MVP'
).split(' ');

/** `length` characters of chat words, different for each seed (a small LCG picks the words). */
export function chatWords(seed: number, length: number): string {
  let state = (seed * 2_654_435_761) >>> 0;
  let text = '';
  while (text.length < length) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    text += `${text ? ' ' : ''}${CHAT_WORDS[state % CHAT_WORDS.length]}`;
  }
  return text.slice(0, length);
}

/** A monotonic clock in microseconds, the same in every process of the machine. */
export function nowUs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}

/** Reads the decimal digits at `pos` (0 when there are none). */
export function readInt(buf: Uint8Array, pos: number): number {
  let n = 0;
  for (;;) {
    const c = buf[pos++];
    if (c === undefined || c < 48 || c > 57) return n;
    n = n * 10 + c - 48;
  }
}

/** Where the first and last entries of `buf[start, end)` begin, or null for a frame without entries. */
export function entryBounds(buf: Buffer, start: number, end: number): { first: number; last: number } | null {
  const a = buf.indexOf(ENTRY, start);
  if (a < 0 || a >= end) return null;
  const b = buf.lastIndexOf(ENTRY, end - ENTRY.length);
  return { first: readInt(buf, a + ENTRY.length), last: readInt(buf, b + ENTRY.length) };
}

/** Reads every entry of a frame: its seqs and stamps. */
export function scanFrame(buf: Buffer, start: number, end: number): FrameInfo | null {
  const seqs: number[] = [];
  const stamps: number[] = [];
  let at = buf.indexOf(ENTRY, start);
  while (at >= 0 && at < end) {
    seqs.push(readInt(buf, at + ENTRY.length));
    const next = buf.indexOf(ENTRY, at + ENTRY.length);
    const stop = next < 0 || next > end ? end : next;
    const stamp = buf.indexOf(STAMP, at);
    stamps.push(stamp >= 0 && stamp < stop ? readInt(buf, stamp + STAMP.length) : Number.NaN);
    at = next;
  }
  if (seqs.length === 0) return null;
  const first = seqs[0]!;
  const last = seqs[seqs.length - 1]!;
  let consecutive = last - first + 1 === seqs.length;
  for (let i = 1; consecutive && i < seqs.length; i++) consecutive = seqs[i] === first + i;
  return { first, last, count: seqs.length, consecutive, stamps: Float64Array.from(stamps) };
}

/** Parsed frames of this process, shared by its viewers; the oldest half is dropped when full. */
export class FrameCache {
  private young = new Map<string, FrameInfo>();
  private old = new Map<string, FrameInfo>();
  scans = 0;

  constructor(private readonly limit = 20_000) {}

  /** The frame's contents: from the cache when a viewer of the same event had the same frame. */
  get(event: number, buf: Buffer, start: number, end: number): FrameInfo | null {
    const bounds = entryBounds(buf, start, end);
    if (!bounds) return null;
    const key = `${event}:${bounds.first}:${bounds.last}:${end - start}`;
    const known = this.young.get(key) ?? this.old.get(key);
    if (known) return known;
    const info = scanFrame(buf, start, end);
    if (!info) return null;
    this.scans++;
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, info);
    return info;
  }
}
