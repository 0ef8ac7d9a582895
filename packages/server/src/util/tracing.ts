// Traces of one comment's way through the system (docs/DEPLOYMENT.md "Traces"): post ->
// moderation -> commit -> bus -> flush, across nodes. Off unless telemetry/otel.ts installs a
// tracer; then every helper here is a plain call, with no span, no context and no allocation.
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

let tracer: Tracer | undefined;

/** Installs (or, with undefined, removes) the tracer every span here comes from. */
export function setTracer(next: Tracer | undefined): void {
  tracer = next;
  traced.clear();
}

/** Whether spans are being made. */
export function tracingOn(): boolean {
  return tracer !== undefined;
}

/** Runs `fn` in a span, a child of the active one (or of `parent`); `fn` may add attributes. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
  parent?: Context,
): Promise<T> {
  if (!tracer) return fn(undefined);
  return tracer.startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs `fn` with a caller's W3C `traceparent` as the parent of the spans it makes. */
export function withTraceparent<T>(traceparent: unknown, fn: () => T): T {
  if (!tracer || typeof traceparent !== 'string' || traceparent.length > 128) return fn();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent }), fn);
}

/** Entries whose way is traced, by event and seq: where their trace goes on, and since when. */
interface Traced {
  context: Context;
  at: number;
}
const traced = new Map<string, Traced>();
/** Traced entries waiting for their flush; past this the oldest are forgotten (a node without viewers never flushes them). */
const MAX_TRACED = 1_000;

function remember(eventId: string, seq: number, ctx: Context): void {
  traced.set(`${eventId}\u0000${seq}`, { context: ctx, at: Date.now() });
  while (traced.size > MAX_TRACED) traced.delete(traced.keys().next().value as string);
}

/** A committed entry: its trace goes on from the active span (the commit's). */
export function rememberEntry(eventId: string, seq: number): void {
  if (!tracer) return;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) remember(eventId, seq, context.active());
}

/**
 * Before a bus message leaves: a `bus.publish` span per traced entry, and their W3C
 * `traceparent`s by seq for the message (undefined when none is traced).
 */
export function tracePublish(eventId: string, seqs: readonly number[]): Record<number, string> | undefined {
  if (!tracer || traced.size === 0) return undefined;
  let out: Record<number, string> | undefined;
  for (const seq of seqs) {
    const entry = traced.get(`${eventId}\u0000${seq}`);
    if (!entry) continue;
    const span = tracer.startSpan(
      'bus.publish',
      { attributes: { 'lc.event_id': eventId, 'lc.seq': seq, 'lc.batch_size': seqs.length } },
      entry.context,
    );
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(entry.context, span), carrier);
    span.end();
    if (!carrier.traceparent) continue;
    out ??= {};
    out[seq] = carrier.traceparent;
  }
  return out;
}

/** A bus message arrived with traceparents: a `bus.receive` span each, remembered for the flush. */
export function traceReceive(eventId: string, trace_: unknown, batchSize: number): void {
  if (!tracer || typeof trace_ !== 'object' || trace_ === null) return;
  let n = 0;
  for (const [key, traceparent] of Object.entries(trace_ as Record<string, unknown>)) {
    const seq = Number(key);
    if (!Number.isSafeInteger(seq) || typeof traceparent !== 'string' || traceparent.length > 128) continue;
    if (++n > batchSize) break;
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
    const span = tracer.startSpan(
      'bus.receive',
      { attributes: { 'lc.event_id': eventId, 'lc.seq': seq, 'lc.batch_size': batchSize } },
      parent,
    );
    span.end();
    remember(eventId, seq, trace.setSpan(parent, span));
  }
}

/**
 * A flush of seqs `first`..`last` of an event to `frames` subscribers: a `hub.flush` span per
 * traced entry in it, from when the node had the entry to now.
 */
export function traceFlush(eventId: string, first: number, last: number, frames: number): void {
  if (!tracer || traced.size === 0) return;
  for (let seq = first; seq <= last; seq++) {
    const key = `${eventId}\u0000${seq}`;
    const entry = traced.get(key);
    if (!entry) continue;
    traced.delete(key);
    tracer
      .startSpan(
        'hub.flush',
        {
          startTime: entry.at,
          attributes: { 'lc.event_id': eventId, 'lc.seq': seq, 'lc.batch_size': last - first + 1, 'lc.frames': frames },
        },
        entry.context,
      )
      .end();
  }
}
