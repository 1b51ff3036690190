import { gql, type TypedDocumentNode } from 'urql';

export type CustomerKind = 'DISTRIBUTOR' | 'RESELLER' | 'END_USER';
export type ErrorType = 'BILLING' | 'SHIPPING';

export interface CostPolicy {
  customerKind: CustomerKind;
  errorType: ErrorType;
  effectiveFrom: string;
  costPerError: { amount: string; currency: string };
}

const POLICY_FIELDS = `
  customerKind
  errorType
  effectiveFrom
  costPerError {
    amount
    currency
  }
`;

export const CostPolicies: TypedDocumentNode<{ errorCostPolicies: CostPolicy[] }, Record<string, never>> = gql`
  query CostPolicies {
    errorCostPolicies {
      ${POLICY_FIELDS}
    }
  }
`;

export interface SetCostPolicyInput {
  customerKind: CustomerKind;
  errorType: ErrorType;
  effectiveFrom: string;
  costPerError: { amount: string; currency: string };
}

export const SetCostPolicy: TypedDocumentNode<{ setErrorCostPolicy: CostPolicy }, { input: SetCostPolicyInput }> = gql`
  mutation SetCostPolicy($input: SetErrorCostPolicyInput!) {
    setErrorCostPolicy(input: $input) {
      ${POLICY_FIELDS}
    }
  }
`;
