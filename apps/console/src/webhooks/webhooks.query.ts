import { gql, type TypedDocumentNode } from 'urql';

export const WEBHOOK_EVENT_TYPES = [
  'PROMISE_MADE',
  'PROMISE_AT_RISK',
  'PROMISE_CRITICAL',
  'PROMISE_BROKEN',
  'PROMISE_KEPT',
  'PROMISE_PAUSED',
  'PROMISE_RESUMED',
  'ERROR_RECORDED',
  'ERROR_VOIDED',
  'CUSTOMER_ERASED',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WebhookDelivery {
  id: string;
  eventType: WebhookEventType;
  position: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  deliveries: { totalCount: number; nodes: WebhookDelivery[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export const Webhooks: TypedDocumentNode<{ webhooks: Webhook[] }, { status?: DeliveryStatus | null }> = gql`
  query Webhooks($status: WebhookDeliveryStatus) {
    webhooks {
      id
      url
      events
      active
      createdAt
      deliveries(status: $status, first: 20) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          eventType
          position
          status
          attempts
          lastAttemptAt
          lastStatusCode
          lastError
        }
      }
    }
  }
`;

export const CreateWebhook: TypedDocumentNode<
  { createWebhook: { secret: string; webhook: { id: string; url: string } } },
  { input: { url: string; events: WebhookEventType[] } }
> = gql`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
        url
      }
    }
  }
`;

export const DeleteWebhook: TypedDocumentNode<{ deleteWebhook: boolean }, { id: string }> = gql`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`;

export const RetryWebhookDelivery: TypedDocumentNode<{ retryWebhookDelivery: { id: string; status: DeliveryStatus } }, { id: string }> = gql`
  mutation RetryWebhookDelivery($id: ID!) {
    retryWebhookDelivery(id: $id) {
      id
      status
    }
  }
`;
