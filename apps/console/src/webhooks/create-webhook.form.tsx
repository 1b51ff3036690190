import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { humanize } from '../shared/labels.js';
import { LabelledField } from '../shared/labelled-field.js';
import { CreateWebhook, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks.query.js';

/** Registers a webhook; the signing secret is shown once, right here, and never again. */
export function CreateWebhookForm({ onCreated }: { onCreated: () => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['PROMISE_BROKEN', 'PROMISE_AT_RISK']);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [result, create] = useMutation(CreateWebhook);
  const problem = apiProblem(result.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await create({ input: { url: url.trim(), events } });
    if (answer.data) {
      setCreated({ url: answer.data.createWebhook.webhook.url, secret: answer.data.createWebhook.secret });
      setUrl('');
      onCreated();
    }
  }

  const toggle = (type: WebhookEventType) => setEvents((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));

  return (
    <section aria-labelledby="new-webhook" className="panel">
      <h2 id="new-webhook">New webhook</h2>
      <form onSubmit={submit} noValidate>
        <LabelledField label="URL" error={problem?.fields.url} hint="https, or http to this machine (loopback) only.">
          {(control) => <input {...control} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/promise-ledger" />}
        </LabelledField>
        <fieldset className="event-types" aria-describedby={problem?.fields.events ? 'webhook-events-error' : undefined}>
          <legend>Events</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="checkbox">
              <input type="checkbox" checked={events.includes(type)} onChange={() => toggle(type)} /> {humanize(type)}
            </label>
          ))}
          {problem?.fields.events && (
            <p id="webhook-events-error" className="field-error">
              {problem.fields.events}
            </p>
          )}
        </fieldset>
        {problem && !problem.fields.url && !problem.fields.events && <p className="field-error">{problem.message}</p>}
        <button type="submit" disabled={result.fetching}>
          Create webhook
        </button>
      </form>
      {created && (
        <div role="status" className="secret">
          <p>
            Webhook for <strong>{created.url}</strong> created. Its signing secret, shown this once — store it with the receiver now:
          </p>
          <code aria-label="Signing secret">{created.secret}</code>
        </div>
      )}
    </section>
  );
}
