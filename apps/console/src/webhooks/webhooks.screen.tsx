import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiProblem } from '../shared/api-errors.js';
import { formatDateTime } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import { CreateWebhookForm } from './create-webhook.form.js';
import { DeleteWebhook, RetryWebhookDelivery, Webhooks, type DeliveryStatus, type Webhook } from './webhooks.query.js';
import './webhooks.css';

const STATUS_BADGE: Record<DeliveryStatus, string> = { PENDING: 'info', DELIVERED: 'ok', FAILED: 'danger' };

export default function WebhooksScreen() {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [result, reexecute] = useQuery({ query: Webhooks, variables: { status: status || null } });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const problem = apiProblem(result.error);
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p className="hint">Each matching event is POSTed to the URL, signed per the Standard Webhooks specification, retried with backoff for 24 hours.</p>
      <CreateWebhookForm onCreated={refresh} />
      <div className="toolbar">
        <div className="field">
          <label htmlFor="delivery-status">Show deliveries</label>
          <select id="delivery-status" value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
            <option value="">All</option>
            <option value="PENDING">Pending</option>
            <option value="DELIVERED">Delivered</option>
            <option value="FAILED">Failed</option>
          </select>
        </div>
        <button type="button" className="secondary" onClick={refresh}>
          Refresh
        </button>
      </div>
      {problem && <p className="field-error">{problem.message}</p>}
      {result.data?.webhooks.length === 0 && <p>No webhooks yet.</p>}
      {result.data?.webhooks.map((webhook) => <WebhookCard key={webhook.id} webhook={webhook} onChanged={refresh} />)}
    </section>
  );
}

function WebhookCard({ webhook, onChanged }: { webhook: Webhook; onChanged: () => void }) {
  const [deleting, remove] = useMutation(DeleteWebhook);
  const [retrying, retry] = useMutation(RetryWebhookDelivery);
  const headingId = `webhook-${webhook.id}`;
  const problem = apiProblem(deleting.error ?? retrying.error);
  return (
    <section aria-labelledby={headingId} className="panel webhook">
      <div className="webhook-header">
        <h2 id={headingId}>{webhook.url}</h2>
        <button
          type="button"
          className="danger"
          disabled={deleting.fetching}
          onClick={async () => {
            if (!window.confirm(`Delete the webhook for ${webhook.url}? Its pending deliveries stop.`)) return;
            if ((await remove({ id: webhook.id })).data) onChanged();
          }}
        >
          Delete
        </button>
      </div>
      <p className="secondary-text">
        {webhook.active ? 'Active' : 'Inactive'} · created {formatDateTime(webhook.createdAt)} · {webhook.events.map(humanize).join(', ')}
      </p>
      {problem && <p className="field-error">{problem.message}</p>}
      <table>
        <caption>
          Deliveries ({webhook.deliveries.totalCount}
          {webhook.deliveries.pageInfo.hasNextPage ? ', newest 20 shown' : ''})
        </caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Position</th>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Attempts
            </th>
            <th scope="col">Last attempt</th>
            <th scope="col">Last answer</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {webhook.deliveries.nodes.map((delivery) => (
            <tr key={delivery.id}>
              <td>{humanize(delivery.eventType)}</td>
              <td>{delivery.position}</td>
              <td>
                <span className={`badge ${STATUS_BADGE[delivery.status]}`}>{humanize(delivery.status)}</span>
              </td>
              <td className="number">{delivery.attempts}</td>
              <td>{formatDateTime(delivery.lastAttemptAt)}</td>
              <td>{delivery.lastStatusCode ?? delivery.lastError ?? '—'}</td>
              <td>
                {delivery.status === 'FAILED' && (
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`Retry delivery ${delivery.id}`}
                    disabled={retrying.fetching}
                    onClick={async () => {
                      if ((await retry({ id: delivery.id })).data) onChanged();
                    }}
                  >
                    Retry
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
