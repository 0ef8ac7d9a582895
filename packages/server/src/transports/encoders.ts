// The wire formats of the three transports (docs/API.md): each turns the hub's batches and
// notices into bytes. Entries arrive as JSON text already, so a batch is joined, never
// re-serialised; the hub encodes it once per format in use and shares the bytes.
//
// A format is a transport, a view (every comment, Top chat, a sampled tier, or Top chat sampled)
// and whether the connection carries many events (its frames then name the event). Formats are
// made on first use and shared: every subscriber of one format gets the same bytes.
import { Batch, FLAG_TOP, SAMPLE_TIERS, tierFlag, tierFor, type WireFormat } from '../hub/frames.js';

/** The transports' wire kinds. */
export type FormatKind = 'ws' | 'sse' | 'poll';

/** A view of the log: Top chat or not, and a sampled tier (index in SAMPLE_TIERS) or none (-1). */
export interface ViewSpec {
  top: boolean;
  tier: number;
}

/** Every comment. */
export const LIVE_VIEW: ViewSpec = { top: false, tier: -1 };

/** The tier a slow subscriber steps down to: 10 comments a second (docs/API.md "Sampled tier"). */
export const SLOW_TIER_RATE = 10;
const SLOW_TIER = tierFor(SLOW_TIER_RATE);

/** Nothing to write: the hub moves the subscriber past the batch without a frame. */
const EMPTY = Buffer.alloc(0);

const made = new Map<string, WireFormat>();

/** The shared format of a transport, view and connection kind (made once). */
export function formatFor(kind: FormatKind, view: ViewSpec = LIVE_VIEW, multi = false): WireFormat {
  const name = `${kind}${multi ? '-multi' : ''}${view.top ? '-top' : ''}${view.tier >= 0 ? `-r${SAMPLE_TIERS[view.tier]}` : ''}`;
  let format = made.get(name);
  if (!format) {
    format = makeFormat(name, kind, view, multi);
    made.set(name, format);
  }
  return format;
}

function makeFormat(name: string, kind: FormatKind, view: ViewSpec, multi: boolean): WireFormat {
  const mask = (view.top ? FLAG_TOP : 0) | (view.tier >= 0 ? tierFlag(view.tier) : 0);
  // A slow subscriber of a view without a tier, or of a faster one, steps down to the slow tier.
  const slowerView: ViewSpec | null =
    kind !== 'poll' && (view.tier < 0 || view.tier > SLOW_TIER) ? { top: view.top, tier: SLOW_TIER } : null;
  const ev = (eventId: string) => (multi ? `"eventId":${JSON.stringify(eventId)},` : '');
  const format: WireFormat = {
    name,
    ...(kind === 'poll' ? { transient: true } : {}),
    ...(mask ? { mask } : {}),
    slower: () => (slowerView ? formatFor(kind, slowerView, multi) : null),
    entries(batch) {
      const kept = mask ? batch.jsons.filter((_, i) => batch.shows(i, mask)) : batch.jsons;
      // An emptied batch of a single-event SSE stream still moves its id on (a resume skips what
      // was left out); elsewhere the hub moves the subscriber on without a frame.
      if (mask && kept.length === 0 && !(kind === 'sse' && !multi)) return EMPTY;
      const items = `"items":[${kept.join(',')}]`;
      const position = mask ? `,"lastSeq":${batch.lastSeq}` : '';
      if (kind === 'ws') return Buffer.from(`{"type":"entries",${ev(batch.eventId)}${items}${position}}`);
      if (kind === 'poll') return Buffer.from(`{${items},"lastSeq":${batch.lastSeq}}`);
      // SSE: `id:` is the batch's last seq, so Last-Event-ID resumes after it (one event only).
      const id = multi ? '' : `id: ${batch.lastSeq}\n`;
      return Buffer.from(`event: entries\n${id}data: {${ev(batch.eventId)}${items}${position}}\n\n`);
    },
    presence(viewers, eventId) {
      if (kind === 'ws') return Buffer.from(`{"type":"presence",${ev(eventId)}"viewers":${viewers}}`);
      if (kind === 'sse') return Buffer.from(`event: presence\ndata: {${ev(eventId)}"viewers":${viewers}}\n\n`);
      return null;
    },
    counts(aggregate, counts, lastSeq, eventId) {
      if (kind === 'ws') return Buffer.from(`{"type":"${aggregate}",${ev(eventId)}"counts":${counts}}`);
      // SSE: no `id:`, not a log position, so Last-Event-ID stays on the last entries frame.
      if (kind === 'sse') return Buffer.from(`event: ${aggregate}\ndata: {${ev(eventId)}"counts":${counts}}\n\n`);
      return Buffer.from(`{"items":[],"lastSeq":${lastSeq},"${aggregate}":${counts}}`);
    },
    reset(lastSeq, reason, epoch, eventId) {
      const body = `"lastSeq":${lastSeq},"reason":${JSON.stringify(reason)}${epochField(epoch)}`;
      if (kind === 'ws') return Buffer.from(`{"type":"reset",${ev(eventId)}${body}}`);
      if (kind === 'poll') return Buffer.from(`{"items":[],${body.replace('"reason"', '"reset":true,"reason"')}}`);
      const id = multi ? '' : `id: ${lastSeq}\n`;
      return Buffer.from(`event: reset\n${id}data: {${ev(eventId)}${body}}\n\n`);
    },
  };
  return format;
}

/** WebSocket text frames (the payload; ws-frame.ts adds the frame header, once per payload). */
export const wsFormat = formatFor('ws');
/** Server-Sent Events of one event. */
export const sseFormat = formatFor('sse');
/**
 * Long polling: one answer per poll, the body of `GET .../poll`; no viewer count. A window of
 * reactions or likes answers a waiting poll too, with the position the poller has (no entries).
 */
export const pollFormat = formatFor('poll');
/** The Top chat view of each transport. */
export const wsTopFormat = formatFor('ws', { top: true, tier: -1 });
/** The Top chat view of SSE. */
export const sseTopFormat = formatFor('sse', { top: true, tier: -1 });
/** The Top chat view of long polling. */
export const pollTopFormat = formatFor('poll', { top: true, tier: -1 });

/**
 * The Top chat view of any format (`view=top`): its batches carry only the entries the ranking
 * keeps. Ours come from `formatFor`; this wraps another (tests, a new transport).
 */
export function topView(base: WireFormat): WireFormat {
  return {
    ...base,
    name: `${base.name}-top`,
    mask: FLAG_TOP,
    entries(batch) {
      const kept = batch.jsons.filter((_, i) => batch.shows(i, FLAG_TOP));
      if (kept.length === 0) return EMPTY;
      return base.entries(new Batch(kept, batch.firstSeq, batch.lastSeq, undefined, batch.eventId));
    },
  };
}

/** `,"epoch":"..."` for a known epoch (JSON-escaped, though epochs are base64url or hex). */
function epochField(epoch: string): string {
  return epoch === '' ? '' : `,"epoch":${JSON.stringify(epoch)}`;
}
