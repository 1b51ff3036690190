import { gql, type TypedDocumentNode } from 'urql';

export type PromiseStatus = 'OPEN' | 'KEPT' | 'BROKEN' | 'RELEASED';
export type PromiseKind = 'DELIVERY' | 'SERVICE' | 'BILLING' | 'QUALITY' | 'OTHER';

export interface PromiseFilter {
  status?: PromiseStatus;
  kind?: PromiseKind;
  atRisk?: boolean;
  dueAfter?: string;
  dueBefore?: string;
}

export interface QueuedPromise {
  id: string;
  description: string;
  kind: PromiseKind;
  dueBy: string;
  status: PromiseStatus;
  atRisk: boolean;
  customer: { id: string; name: string | null };
}

export interface PromisePage {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  nodes: QueuedPromise[];
}

/** The API answers in due order (due date, then id), so pages can be appended as they come. */
export const PromiseQueue: TypedDocumentNode<{ promises: PromisePage }, { filter: PromiseFilter; first: number; after?: string | null }> = gql`
  query PromiseQueue($filter: PromiseFilter, $first: Int, $after: String) {
    promises(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      nodes {
        id
        description
        kind
        dueBy
        status
        atRisk
        customer {
          id
          name
        }
      }
    }
  }
`;
