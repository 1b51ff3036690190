import { gql, type TypedDocumentNode } from 'urql';

export type PromiseKind = 'DELIVERY' | 'SERVICE' | 'BILLING' | 'QUALITY' | 'OTHER';
export const PROMISE_KINDS: readonly PromiseKind[] = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'];
export type ErrorType = 'BILLING' | 'SHIPPING';
export const ERROR_TYPES: readonly ErrorType[] = ['BILLING', 'SHIPPING'];

export interface Ledger {
  made: number;
  open: number;
  kept: number;
  broken: number;
  released: number;
  keptRate: number | null;
  keptStreak: number;
  neverBroken: boolean;
  lastBrokenAt: string | null;
}

export interface CustomerHeader {
  id: string;
  name: string | null;
  kind: string;
  region: string | null;
  email: string | null;
  erased: boolean;
  erasedAt: string | null;
  ledger: Ledger;
}

const LEDGER_FIELDS = 'made open kept broken released keptRate keptStreak neverBroken lastBrokenAt';

export const CustomerLedger: TypedDocumentNode<{ customer: CustomerHeader | null }, { id: string; asOf?: string | null }> = gql`
  query CustomerLedger($id: ID!, $asOf: DateTime) {
    customer(id: $id) {
      id
      name
      kind
      region
      email
      erased
      erasedAt
      ledger(asOf: $asOf) { ${LEDGER_FIELDS} }
    }
  }
`;

export interface OpenPromise {
  id: string;
  description: string;
  kind: PromiseKind;
  dueBy: string;
  atRisk: boolean;
  risk: RiskLevel;
  paused: boolean;
  pausedSeconds: number;
  calendar: { id: string; name: string } | null;
  status: string;
  amendments: number;
  version: number;
}

export type RiskLevel = 'ON_TRACK' | 'AT_RISK' | 'CRITICAL' | 'BREACHED' | 'PAUSED' | 'SETTLED';

const PROMISE_FIELDS = 'id description kind dueBy atRisk risk paused pausedSeconds calendar { id name } status amendments version';

export const OpenPromises: TypedDocumentNode<
  { customer: { id: string; promises: { totalCount: number; nodes: OpenPromise[] } } | null },
  { id: string; first: number; asOf?: string | null }
> = gql`
  query OpenPromises($id: ID!, $first: Int!, $asOf: DateTime) {
    customer(id: $id) {
      id
      promises(status: OPEN, first: $first, asOf: $asOf) {
        totalCount
        nodes { ${PROMISE_FIELDS} }
      }
    }
  }
`;

export interface ErrorIncident {
  id: string;
  type: ErrorType;
  status: string;
  occurredAt: string;
  reference: string | null;
  description: string | null;
  cost: { amount: string; currency: string } | null;
}

export const CustomerErrors: TypedDocumentNode<
  { customer: { id: string; errors: { totalCount: number; nodes: ErrorIncident[] } } | null },
  { id: string; first: number; asOf?: string | null }
> = gql`
  query CustomerErrors($id: ID!, $first: Int!, $asOf: DateTime) {
    customer(id: $id) {
      id
      errors(first: $first, asOf: $asOf) {
        totalCount
        nodes { id type status occurredAt reference description cost { amount currency } }
      }
    }
  }
`;

export interface TimelineEntry {
  position: string;
  type: string;
  summary: string;
  occurredAt: string;
  recordedAt: string;
}

export const CustomerTimeline: TypedDocumentNode<
  { customer: { id: string; timeline: { nodes: TimelineEntry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null },
  { id: string; first: number; after?: string | null; asOf?: string | null }
> = gql`
  query CustomerTimeline($id: ID!, $first: Int!, $after: String, $asOf: DateTime) {
    customer(id: $id) {
      id
      timeline(first: $first, after: $after, asOf: $asOf, newestFirst: true) {
        nodes { position type summary occurredAt recordedAt }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

type Changed = { id: string; status: string; version: number };

export const MakePromise: TypedDocumentNode<
  { makePromise: Changed },
  { input: { customerId: string; kind: PromiseKind; description: string; dueBy?: string; calendarId?: string; dueInBusinessHours?: number } }
> = gql`
  mutation MakePromise($input: MakePromiseInput!) {
    makePromise(input: $input) { id status version }
  }
`;

export const KeepPromise: TypedDocumentNode<{ keepPromise: Changed }, { input: { id: string; expectedVersion: number; evidence?: string } }> = gql`
  mutation KeepPromise($input: KeepPromiseInput!) {
    keepPromise(input: $input) { id status version }
  }
`;

export const BreakPromise: TypedDocumentNode<{ breakPromise: Changed }, { input: { id: string; expectedVersion: number; reason: string } }> = gql`
  mutation BreakPromise($input: BreakPromiseInput!) {
    breakPromise(input: $input) { id status version }
  }
`;

export const AmendPromise: TypedDocumentNode<
  { amendPromise: Changed },
  { input: { id: string; expectedVersion: number; dueBy: string; reason: string } }
> = gql`
  mutation AmendPromise($input: AmendPromiseInput!) {
    amendPromise(input: $input) { id status version }
  }
`;

export const ReleasePromise: TypedDocumentNode<{ releasePromise: Changed }, { input: { id: string; expectedVersion: number; reason: string } }> = gql`
  mutation ReleasePromise($input: ReleasePromiseInput!) {
    releasePromise(input: $input) { id status version }
  }
`;

export const PausePromise: TypedDocumentNode<{ pausePromise: Changed }, { input: { id: string; expectedVersion: number; reason: string } }> = gql`
  mutation PausePromise($input: PausePromiseInput!) {
    pausePromise(input: $input) { id status version }
  }
`;

export const ResumePromise: TypedDocumentNode<{ resumePromise: Changed }, { input: { id: string; expectedVersion: number } }> = gql`
  mutation ResumePromise($input: ResumePromiseInput!) {
    resumePromise(input: $input) { id status version }
  }
`;

export const RecordError: TypedDocumentNode<
  { recordError: { id: string } },
  {
    input: {
      customerId: string;
      type: ErrorType;
      reference?: string;
      description?: string;
      occurredAt?: string;
      cost?: { amount: string; currency: string };
    };
  }
> = gql`
  mutation RecordError($input: RecordErrorInput!) {
    recordError(input: $input) { id }
  }
`;

export const PromiseBrokenLive: TypedDocumentNode<{ promiseBroken: { id: string; description: string } }, { customerId: string }> = gql`
  subscription PromiseBrokenLive($customerId: ID) {
    promiseBroken(customerId: $customerId) { id description }
  }
`;

export const LedgerChangedLive: TypedDocumentNode<{ ledgerChanged: Ledger }, { customerId: string }> = gql`
  subscription LedgerChangedLive($customerId: ID!) {
    ledgerChanged(customerId: $customerId) { ${LEDGER_FIELDS} }
  }
`;
