// OpenTelemetry tracing, exported by OTLP over HTTP (docs/DEPLOYMENT.md "Traces"). Installed by
// the process (main.ts) when an OTLP endpoint is configured; until then util/tracing.ts makes no
// spans at all.

import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { setTracer } from '../util/tracing.js';

/** What tracing needs from the configuration. */
export interface TracingOptions {
  /** The OTLP/HTTP traces URL (…/v1/traces). */
  url: string;
  /** The share of new traces kept, 0 to 1 (a caller's sampled `traceparent` is always followed). */
  sample: number;
  serviceName: string;
  /** This node, as `service.instance.id`. */
  instanceId: string;
}

/** Starts tracing; the answer flushes and stops it (on shutdown). */
export function startTracing(options: TracingOptions): { shutdown(): Promise<void> } {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.instance.id': options.instanceId,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sample) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.url }))],
  });
  setTracer(provider.getTracer('livecomments'));
  return {
    async shutdown() {
      setTracer(undefined);
      await provider.shutdown();
      context.disable();
      propagation.disable();
    },
  };
}
