import type { WebhookDeliveryStatus, WebhookEventType } from '#libs/domain';

/** A registration as callers see it (never its secret). */
export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: Date;
}

export interface WebhookDeliveryView {
  id: string;
  webhookId: string;
  eventType: WebhookEventType;
  position: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface WebhookDeliveryPage {
  nodes: WebhookDeliveryView[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  event_type: string;
  position: string;
  status: string;
  attempts: number;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
}

export const DELIVERY_COLUMNS =
  'id, webhook_id, event_type, position::text as position, status, attempts, last_attempt_at, last_status_code, last_error';

export const webhookView = (row: WebhookRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events as WebhookEventType[],
  active: row.active,
  createdAt: row.created_at,
});

export const deliveryView = (row: WebhookDeliveryRow): WebhookDeliveryView => ({
  id: row.id,
  webhookId: row.webhook_id,
  eventType: row.event_type as WebhookEventType,
  position: row.position,
  status: row.status as WebhookDeliveryStatus,
  attempts: row.attempts,
  lastAttemptAt: row.last_attempt_at,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
});
