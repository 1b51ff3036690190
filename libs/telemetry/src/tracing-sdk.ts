import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { configureTracing } from './tracing.js';

export interface TracingOptions {
  /** LEDGER_TRACING: false skips every span and wrapper. */
  enabled: boolean;
  /** Where spans are sent (OTLP/HTTP, the traces URL itself); undefined registers no SDK. */
  tracesEndpoint: string | undefined;
  serviceName: string;
  /** Replaces the OTLP exporter (tests: the SDK's InMemorySpanExporter); still only when an endpoint is set. */
  exporter?: SpanExporter;
}

/** The process's tracing: flush and unregister it on close. */
export interface Tracing {
  /** An SDK is registered and exporting. */
  readonly exporting: boolean;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const idle: Tracing = { exporting: false, flush: async () => undefined, shutdown: async () => undefined };

/**
 * Registers the OpenTelemetry SDK (async-context propagation, batched OTLP/HTTP export) when an
 * endpoint is configured. Otherwise registers nothing: spans go to the API's no-op tracer.
 * The sampler follows OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (the SDK reads them).
 */
export function startTracing(options: TracingOptions): Tracing {
  configureTracing(options.enabled);
  if (!options.enabled || !options.tracesEndpoint) return idle;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter({ url: options.tracesEndpoint }))],
  });
  provider.register();
  configureTracing(true);
  let stopped = false;
  return {
    exporting: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      configureTracing(options.enabled);
    },
  };
}
