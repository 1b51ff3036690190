export { webhookMigrations } from './webhooks.migrations.js';
export { WebhookRegistry, type WebhookRegistryOptions } from './webhook-registry.js';
export { WebhookDeliveryWorker, type WebhookDeliveryOptions } from './webhook-delivery.worker.js';
export { WEBHOOK_CHECKPOINT, WebhookFanout, webhookPayload } from './webhook-fanout.projection.js';
export { systemResolver, type HostResolver } from './webhook-address.js';
export type { WebhookView, WebhookDeliveryView, WebhookDeliveryPage } from './webhook.rows.js';
