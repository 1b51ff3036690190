/** Injects the webhook registrations (`WebhookRegistry` of libs/webhooks), built by the composing app. */
export const WEBHOOK_REGISTRY = Symbol('WEBHOOK_REGISTRY');
