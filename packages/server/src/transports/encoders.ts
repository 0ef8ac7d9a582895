// The wire formats of the three transports (docs/API.md): each turns the hub's batches and
// notices into bytes. Entries arrive as JSON text already, so a batch is joined, never
// re-serialised; the hub encodes it once per format in use and shares the bytes.
import { Batch, type WireFormat } from '../hub/frames.js';

/** WebSocket text frames (the payload; ws-frame.ts adds the frame header, once per payload). */
export const wsFormat: WireFormat = {
  name: 'ws',
  entries: (batch) => Buffer.from(`{"type":"entries","items":[${batch.jsons.join(',')}]}`),
  presence: (viewers) => Buffer.from(`{"type":"presence","viewers":${viewers}}`),
  counts: (kind, counts) => Buffer.from(`{"type":"${kind}","counts":${counts}}`),
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(`{"type":"reset","lastSeq":${lastSeq},"reason":${JSON.stringify(reason)}${epochField(epoch)}}`),
};

/** Server-Sent Events: `id:` is the batch's last seq, so `Last-Event-ID` resumes after it. */
export const sseFormat: WireFormat = {
  name: 'sse',
  entries: (batch) =>
    Buffer.from(`event: entries\nid: ${batch.lastSeq}\ndata: {"items":[${batch.jsons.join(',')}]}\n\n`),
  presence: (viewers) => Buffer.from(`event: presence\ndata: {"viewers":${viewers}}\n\n`),
  // No `id:`: not a log position, so Last-Event-ID stays on the last entries frame.
  counts: (kind, counts) => Buffer.from(`event: ${kind}\ndata: {"counts":${counts}}\n\n`),
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(
      `event: reset\nid: ${lastSeq}\ndata: {"lastSeq":${lastSeq},"reason":${JSON.stringify(reason)}${epochField(epoch)}}\n\n`,
    ),
};

/**
 * Long polling: one answer per poll, the body of `GET .../poll`; no viewer count. A window of
 * reactions or likes answers a waiting poll too, with the position the poller has (no entries).
 */
export const pollFormat: WireFormat = {
  name: 'poll',
  transient: true,
  entries: (batch: Batch) => Buffer.from(`{"items":[${batch.jsons.join(',')}],"lastSeq":${batch.lastSeq}}`),
  presence: () => null,
  counts: (kind, counts, lastSeq) => Buffer.from(`{"items":[],"lastSeq":${lastSeq},"${kind}":${counts}}`),
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(
      `{"items":[],"lastSeq":${lastSeq},"reset":true,"reason":${JSON.stringify(reason)}${epochField(epoch)}}`,
    ),
};

/**
 * The Top chat view of a format (`view=top`): its batches carry only the entries the ranking
 * keeps, and `lastSeq` so the client moves past what was left out. One shared format per
 * transport: every Top chat subscriber gets the same bytes, encoded once per batch.
 */
export function topView(base: WireFormat): WireFormat {
  const top: WireFormat = {
    ...base,
    name: `${base.name}-top`,
    entries(batch) {
      const kept = batch.top ? batch.jsons.filter((_, i) => batch.top![i]) : batch.jsons;
      if (kept.length === 0 && base !== sseFormat) return EMPTY;
      const shown = new Batch(kept, batch.firstSeq, batch.lastSeq);
      if (base === wsFormat) {
        return Buffer.from(`{"type":"entries","items":[${shown.jsons.join(',')}],"lastSeq":${batch.lastSeq}}`);
      }
      // SSE: even an emptied batch moves the stream's id on, so a resume skips what was left out.
      return base.entries(shown);
    },
  };
  return top;
}

/** Nothing to write: the hub moves the subscriber past the batch without a frame. */
const EMPTY = Buffer.alloc(0);

/** The Top chat view of each transport. */
export const wsTopFormat = topView(wsFormat);
/** The Top chat view of SSE. */
export const sseTopFormat = topView(sseFormat);
/** The Top chat view of long polling. */
export const pollTopFormat = topView(pollFormat);

/** `,"epoch":"..."` for a known epoch (JSON-escaped, though epochs are base64url or hex). */
function epochField(epoch: string): string {
  return epoch === '' ? '' : `,"epoch":${JSON.stringify(epoch)}`;
}
