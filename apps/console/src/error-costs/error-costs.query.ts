import { gql, type TypedDocumentNode } from 'urql';

export type ErrorCostGroup = 'CUSTOMER' | 'CUSTOMER_KIND' | 'ERROR_TYPE' | 'MONTH';
export type CustomerKind = 'DISTRIBUTOR' | 'RESELLER' | 'END_USER';

export interface Money {
  amount: string;
  currency: string;
}

export interface ErrorCostRow {
  key: string;
  errors: number;
  unpricedErrors: number;
  cost: Money[];
}

export interface ErrorCostFilters {
  groupBy: ErrorCostGroup;
  from?: string | null;
  to?: string | null;
  asOf?: string | null;
  customerKind?: CustomerKind | null;
}

export const ErrorCosts: TypedDocumentNode<{ errorCosts: ErrorCostRow[] }, ErrorCostFilters> = gql`
  query ErrorCosts($groupBy: ErrorCostGroup!, $from: DateTime, $to: DateTime, $asOf: DateTime, $customerKind: CustomerKind) {
    errorCosts(groupBy: $groupBy, from: $from, to: $to, asOf: $asOf, customerKind: $customerKind) {
      key
      errors
      unpricedErrors
      cost {
        amount
        currency
      }
    }
  }
`;

export interface ErrorCostForecast {
  annualCost: Money[];
  errorsInWindow: number;
  windowDays: number;
}

export const ErrorCostForecastQuery: TypedDocumentNode<{ errorCostForecast: ErrorCostForecast }, { windowDays: number }> = gql`
  query ErrorCostForecast($windowDays: Int) {
    errorCostForecast(windowDays: $windowDays) {
      annualCost {
        amount
        currency
      }
      errorsInWindow
      windowDays
    }
  }
`;
