import { gql, type TypedDocumentNode } from 'urql';

export interface IntegrityReport {
  verified: boolean;
  eventsChecked: number;
  head: string;
  digest: string;
  firstBadPosition: string | null;
  problem: string | null;
  checkedAt: string;
}

export const VerifyLedger: TypedDocumentNode<{ verifyLedger: IntegrityReport }, { upTo?: string | null }> = gql`
  query VerifyLedger($upTo: String) {
    verifyLedger(upTo: $upTo) {
      verified
      eventsChecked
      head
      digest
      firstBadPosition
      problem
      checkedAt
    }
  }
`;
