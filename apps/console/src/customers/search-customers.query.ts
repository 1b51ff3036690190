import { gql, type TypedDocumentNode } from 'urql';

export interface CustomerMatch {
  id: string;
  name: string | null;
  kind: string;
  region: string | null;
  email: string | null;
  ledger: { keptRate: number | null; open: number };
}

export const SearchCustomers: TypedDocumentNode<{ searchCustomers: CustomerMatch[] }, { text: string; first?: number }> = gql`
  query SearchCustomers($text: String!, $first: Int) {
    searchCustomers(text: $text, first: $first) {
      id
      name
      kind
      region
      email
      ledger {
        keptRate
        open
      }
    }
  }
`;

export const RecentCustomers: TypedDocumentNode<{ customers: { nodes: CustomerMatch[]; totalCount: number } }, { first?: number }> = gql`
  query RecentCustomers($first: Int) {
    customers(first: $first) {
      totalCount
      nodes {
        id
        name
        kind
        region
        email
        ledger {
          keptRate
          open
        }
      }
    }
  }
`;
