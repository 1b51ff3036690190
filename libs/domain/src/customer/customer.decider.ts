import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable } from '../shared/decider.js';
import { DomainError, badInput } from '../shared/domain-error.js';
import { CUSTOMER_KINDS, type CustomerKind } from '../shared/enums.js';
import { identifier, iso, optionalText, text } from '../shared/validation.js';
import type { CustomerCommand, ForgetCustomer, RegisterCustomer } from './customer.commands.js';
import type { CustomerEvent } from './customer.events.js';

type Registration = { customerId: string; kind: CustomerKind; region?: string; registeredAt: string };

export type CustomerState =
  | { status: 'NONE' }
  | ({ status: 'REGISTERED'; name: string; email?: string } & Registration)
  | ({ status: 'ERASED'; erasedAt: string } & Registration);

// Plausible, not RFC 5322: one @, no spaces, a dot in the domain. Deliverability is not ours to check.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function register(command: RegisterCustomer, state: CustomerState): CustomerEvent[] {
  const customerId = identifier('id', command.customerId);
  const name = text('name', command.name, 200);
  if (!CUSTOMER_KINDS.includes(command.kind)) throw badInput('kind', `must be one of ${CUSTOMER_KINDS.join(', ')}`);
  const region = optionalText('region', command.region, 100);
  const email = optionalText('email', command.email, 320);
  if (email !== undefined && !EMAIL.test(email)) throw badInput('email', 'must be an e-mail address');
  if (state.status === 'ERASED') {
    // Registering again must not bring erased data back (an ERP re-sending its old batch).
    throw new DomainError('CONFLICT', `customer ${customerId} was erased; its personal data cannot be recorded again`);
  }
  if (state.status === 'REGISTERED') {
    // Idempotent create: the same content again is a no-op; other content under the id is a conflict.
    const same = state.name === name && state.kind === command.kind && state.region === region && state.email === email;
    if (same) return [];
    throw new DomainError('CONFLICT', `customer ${customerId} exists with different content`);
  }
  return [
    {
      type: 'CustomerRegistered',
      data: { customerId, name, kind: command.kind, ...(region ? { region } : {}), ...(email ? { email } : {}), registeredAt: iso(command.now) },
    },
  ];
}

function forget(command: ForgetCustomer, state: CustomerState): CustomerEvent[] {
  const reason = text('reason', command.reason, 2_000);
  const requestedBy = text('requestedBy', command.requestedBy, 200);
  switch (state.status) {
    case 'NONE':
      throw new DomainError('NOT_FOUND', `customer ${command.customerId} not found`, { customerId: 'not found' });
    case 'ERASED':
      return []; // forgetting twice forgets nothing more
    case 'REGISTERED':
      return [{ type: 'CustomerErased', data: { customerId: state.customerId, reason, requestedBy, erasedAt: iso(command.now) } }];
    default:
      return unreachable(state);
  }
}

const registration = (state: CustomerState & Registration): Registration => ({
  customerId: state.customerId,
  kind: state.kind,
  ...(state.region !== undefined ? { region: state.region } : {}),
  registeredAt: state.registeredAt,
});

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent> = {
  initialState: () => ({ status: 'NONE' }),
  decide(command, state) {
    switch (command.type) {
      case 'RegisterCustomer':
        return register(command, state);
      case 'ForgetCustomer':
        return forget(command, state);
      default:
        return unreachable(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'CustomerRegistered':
        return { status: 'REGISTERED', ...event.data };
      case 'CustomerErased':
        return state.status === 'NONE' ? state : { status: 'ERASED', ...registration(state), erasedAt: event.data.erasedAt };
      default:
        return skipUnknownEvent(event, state);
    }
  },
};
