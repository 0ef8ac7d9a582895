// The wire formats of the three transports (docs/API.md): each turns the hub's batches and
// notices into bytes. Entries arrive as JSON text already, so a batch is joined, never
// re-serialised; the hub encodes it once per format in use and shares the bytes.
import type { Batch, WireFormat } from '../hub/frames.js';

/** WebSocket text frames (the payload; ws-frame.ts adds the frame header, once per payload). */
export const wsFormat: WireFormat = {
  name: 'ws',
  entries: (batch) => Buffer.from(`{"type":"entries","items":[${batch.jsons.join(',')}]}`),
  presence: (viewers) => Buffer.from(`{"type":"presence","viewers":${viewers}}`),
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(`{"type":"reset","lastSeq":${lastSeq},"reason":${JSON.stringify(reason)}${epochField(epoch)}}`),
};

/** Server-Sent Events: `id:` is the batch's last seq, so `Last-Event-ID` resumes after it. */
export const sseFormat: WireFormat = {
  name: 'sse',
  entries: (batch) =>
    Buffer.from(`event: entries\nid: ${batch.lastSeq}\ndata: {"items":[${batch.jsons.join(',')}]}\n\n`),
  presence: (viewers) => Buffer.from(`event: presence\ndata: {"viewers":${viewers}}\n\n`),
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(
      `event: reset\nid: ${lastSeq}\ndata: {"lastSeq":${lastSeq},"reason":${JSON.stringify(reason)}${epochField(epoch)}}\n\n`,
    ),
};

/** Long polling: one answer per poll, the body of `GET .../poll`; no viewer count. */
export const pollFormat: WireFormat = {
  name: 'poll',
  transient: true,
  entries: (batch: Batch) => Buffer.from(`{"items":[${batch.jsons.join(',')}],"lastSeq":${batch.lastSeq}}`),
  presence: () => null,
  reset: (lastSeq, reason, epoch) =>
    Buffer.from(
      `{"items":[],"lastSeq":${lastSeq},"reset":true,"reason":${JSON.stringify(reason)}${epochField(epoch)}}`,
    ),
};

/** `,"epoch":"..."` for a known epoch (JSON-escaped, though epochs are base64url or hex). */
function epochField(epoch: string): string {
  return epoch === '' ? '' : `,"epoch":${JSON.stringify(epoch)}`;
}
