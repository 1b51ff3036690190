import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable } from '../shared/decider.js';
import { badInput } from '../shared/domain-error.js';
import { CUSTOMER_KINDS, ERROR_TYPES, type CustomerKind, type ErrorType } from '../shared/enums.js';
import { formatMoney, moneyFromJson, type Money, type MoneyJson } from '../shared/money.js';
import { iso, validDate, validMoney } from '../shared/validation.js';
import { EARLIEST_INSTANT } from '../shared/instant.js';
import type { CostPolicyCommand, SetErrorCostPolicy } from './cost-policy.commands.js';
import type { CostPolicyEvent, ErrorCostPolicySet } from './cost-policy.events.js';

export interface CostPolicy {
  customerKind: CustomerKind;
  errorType: ErrorType;
  costPerError: MoneyJson;
  effectiveFrom: string;
}

/** Every policy ever set, in the order they were set (history is never rewritten). */
export type CostPolicyState = { status: 'EMPTY' } | { status: 'SET'; policies: CostPolicy[] };

function set(c: SetErrorCostPolicy, state: CostPolicyState): CostPolicyEvent[] {
  if (!CUSTOMER_KINDS.includes(c.customerKind)) throw badInput('customerKind', `must be one of ${CUSTOMER_KINDS.join(', ')}`);
  if (!ERROR_TYPES.includes(c.errorType)) throw badInput('errorType', `must be one of ${ERROR_TYPES.join(', ')}`);
  const effectiveFrom = validDate('effectiveFrom', c.effectiveFrom);
  const costPerError = formatMoney(validMoney('costPerError', c.costPerError));
  const policies = state.status === 'SET' ? state.policies : [];
  // Compared with the latest policy for the same kind, type and moment, not any earlier one: setting
  // 250, then 300, then 250 again is a real change back, not a repeat.
  const current = [...policies]
    .reverse()
    .find((p) => p.customerKind === c.customerKind && p.errorType === c.errorType && Date.parse(p.effectiveFrom) === effectiveFrom.getTime());
  if (current && current.costPerError.amount === costPerError.amount && current.costPerError.currency === costPerError.currency) return [];
  return [
    {
      type: 'ErrorCostPolicySet',
      data: { customerKind: c.customerKind, errorType: c.errorType, costPerError, effectiveFrom: iso(effectiveFrom), setAt: iso(c.now) },
    },
  ];
}

export const costPolicyDecider: Decider<CostPolicyCommand, CostPolicyState, CostPolicyEvent> = {
  initialState: () => ({ status: 'EMPTY' }),
  decide(command, state) {
    switch (command.type) {
      case 'SetErrorCostPolicy':
        return set(command, state);
      default:
        return unreachable(command.type);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ErrorCostPolicySet': {
        const { customerKind, errorType, costPerError, effectiveFrom } = event.data;
        const policies = state.status === 'SET' ? state.policies : [];
        return { status: 'SET', policies: [...policies, { customerKind, errorType, costPerError, effectiveFrom }] };
      }
      default:
        return skipUnknownEvent(event.type, state);
    }
  },
};

/**
 * The cost of an error of this kind and type at `occurredAt`: the policy with the latest
 * effectiveFrom not after it (a later-set policy wins a tie); null when none (unpriced).
 */
export function priceError(policies: readonly CostPolicy[], customerKind: CustomerKind, errorType: ErrorType, occurredAt: Date): Money | null {
  let best: { policy: CostPolicy; from: number } | undefined;
  for (const policy of policies) {
    if (policy.customerKind !== customerKind || policy.errorType !== errorType) continue;
    const from = Date.parse(policy.effectiveFrom);
    if (from > occurredAt.getTime()) continue;
    if (!best || from >= best.from) best = { policy, from };
  }
  return best ? moneyFromJson(best.policy.costPerError) : null;
}

/**
 * The beginning of time, for the shipped defaults: the earliest instant the ledger stores, so that
 * no error a caller can record falls before it. (Stores seeded by versions before this one say
 * 1970-01-01: a policy effective from 0001-01-01 set by FINANCE covers the rest.)
 */
export const BEGINNING_OF_TIME = EARLIEST_INSTANT.toISOString();

export const DEFAULT_COST_POLICIES: readonly CostPolicy[] = [
  { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount: '250.00', currency: 'USD' }, effectiveFrom: BEGINNING_OF_TIME },
  { customerKind: 'DISTRIBUTOR', errorType: 'SHIPPING', costPerError: { amount: '250.00', currency: 'USD' }, effectiveFrom: BEGINNING_OF_TIME },
];

export const defaultCostPolicyEvents = (now: Date): ErrorCostPolicySet[] =>
  DEFAULT_COST_POLICIES.map((p) => ({ type: 'ErrorCostPolicySet', data: { ...p, setAt: iso(now) } }));
