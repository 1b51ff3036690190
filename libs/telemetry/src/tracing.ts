import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';

const TRACER_NAME = 'promise-ledger';

let tracer: Tracer = trace.getTracer(TRACER_NAME);
let on = true;

/**
 * False only under LEDGER_TRACING=off: every hook checks it first and then creates no span, no
 * closure and no wrapper at all. True otherwise, where spans go to the OpenTelemetry API: a no-op
 * until a tracer provider is registered (startTracing, or the host's own SDK).
 */
export const tracingOn = (): boolean => on;

/** @internal For startTracing only. */
export function configureTracing(enabled: boolean): void {
  on = enabled;
  // A fresh tracer: a proxy keeps the provider it first found, and providers change across restarts.
  tracer = trace.getTracer(TRACER_NAME);
  tracedEvents.clear();
}

/**
 * Runs `work` in an active span named `name` (its children nest under it); the span records a
 * thrown error and ends when `work` settles. Call only when tracingOn().
 */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, kind }, (span) => settle(span, work()));
}

async function settle<T>(span: Span, running: Promise<T>): Promise<T> {
  try {
    return await running;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** The span active here, if a recording one is (to name it or add attributes once known). */
export function activeSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

// The trace of events appended by this process, until a projection applies them: how the runner's
// asynchronous batch joins each request's trace. Bounded: the oldest entries give way.
const TRACED_EVENTS_MAX = 10_000;
const tracedEvents = new Map<string, SpanContext>();

/** Remembers the active (append) span for these event ids, so their projection work joins its trace. */
export function rememberEventTrace(appends: readonly { events: readonly { id: string }[] }[]): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  const context = span.spanContext();
  for (const append of appends) for (const event of append.events) tracedEvents.set(event.id, context);
  for (const id of tracedEvents.keys()) {
    if (tracedEvents.size <= TRACED_EVENTS_MAX) break;
    tracedEvents.delete(id);
  }
}

/** Traced event ids held now (tests). */
export const tracedEventCount = (): number => tracedEvents.size;

/** Ends the spans a projection batch started for the traces of its events. */
export interface AppliedSpans {
  end(parked: number): void;
}

/**
 * Starts, for each request trace with events in this batch, a span `projection <name>` under the
 * span that appended them. Undefined (and nothing allocated) when no event of the batch is traced.
 */
export function projectionSpans(projection: string, batch: readonly { id: string }[]): AppliedSpans | undefined {
  if (!on || tracedEvents.size === 0) return undefined;
  let parents: Map<SpanContext, number> | undefined;
  for (const event of batch) {
    const parent = tracedEvents.get(event.id);
    if (!parent) continue;
    parents ??= new Map();
    parents.set(parent, (parents.get(parent) ?? 0) + 1);
  }
  if (!parents) return undefined;
  const spans: Span[] = [];
  for (const [parent, events] of parents) {
    spans.push(
      tracer.startSpan(
        `projection ${projection}`,
        { attributes: { 'ledger.projection': projection, 'ledger.events': events, 'ledger.batch.events': batch.length } },
        trace.setSpanContext(ROOT_CONTEXT, parent),
      ),
    );
  }
  return {
    end(parked: number) {
      for (const span of spans) {
        if (parked > 0) span.setAttribute('ledger.parked', parked);
        span.end();
      }
    },
  };
}

/**
 * The event store's append as a span (`es_append`), remembering its events' trace for the
 * projections that will apply them. Call only when tracingOn().
 */
export function appendSpan<T>(appends: readonly { events: readonly { id: string }[] }[], append: () => Promise<T>): Promise<T> {
  let events = 0;
  for (const a of appends) events += a.events.length;
  const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': 'es_append', 'ledger.streams': appends.length, 'ledger.events': events };
  return inSpan(
    'es_append',
    attributes,
    () => {
      rememberEventTrace(appends);
      return append();
    },
    SpanKind.CLIENT,
  );
}

/**
 * A GraphQL request as the root span of its trace (continuing the caller's W3C `traceparent` if
 * sent); named once the operation is known (nameGraphqlSpan). Call only when tracingOn().
 */
export function graphqlRequestSpan<T>(headers: Record<string, string | string[] | undefined>, handle: () => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  return tracer.startActiveSpan('graphql', { kind: SpanKind.SERVER }, parent, (span) => settle(span, handle()));
}

/** Names the request's span `mutation makePromise`: the operation only, never its variables. */
export function nameGraphqlSpan(type: string, name: string | undefined): void {
  const span = activeSpan();
  if (!span) return;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/** The caller's role (never its name or key) on the request's span. */
export function tagGraphqlCaller(role: string | undefined, errors: number): void {
  const span = activeSpan();
  if (!span) return;
  if (role) span.setAttribute('ledger.role', role);
  if (errors > 0) {
    span.setAttribute('graphql.errors', errors);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}
