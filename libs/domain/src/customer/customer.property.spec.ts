import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ErrorCode } from '../shared/domain-error.js';
import {
  decideAndCompare,
  expectedOptionalText,
  expectedText,
  foldFrozen,
  idArb,
  isValidId,
  isoOf,
  outcome,
  startArb,
  textArb,
  type Outcome,
} from '../shared/property.spec-helpers.js';
import { customerDecider } from './customer.decider.js';
import type { RegisterCustomer } from './customer.commands.js';
import type { CustomerEvent } from './customer.events.js';

// Registering a customer, from product.md: name and kind required, region and e-mail optional;
// the same content again is a no-op, other content under the same id a CONFLICT.

const KINDS = ['DISTRIBUTOR', 'RESELLER', 'END_USER'];

/** "one @, no spaces, a dot in the domain" — written out by hand, not as the decider's regex. */
function plausibleEmail(email: string): boolean {
  const parts = email.split('@');
  if (parts.length !== 2 || /\s/.test(email)) return false;
  const [local, domain] = parts as [string, string];
  return local.length > 0 && [...domain].some((ch, i) => ch === '.' && i > 0 && i < domain.length - 1);
}

interface Model { customerId: string; name: string; kind: string; region?: string; email?: string; registeredAt: number }

const emailArb = fc.oneof(
  fc.constantFrom('ana@zephyr.example', ' ana@zephyr.example ', 'a@b.c', 'a@.b.c', 'a@b.c.', 'a@b.', 'a@.b', 'a@b', '@b.c', 'a@@b.c', 'a b@c.d', 'a@b.c\u00a0', 'ünï@cödé.de', '', '  '),
  textArb(320),
  fc.constant(`${'l'.repeat(300)}@${'d'.repeat(16)}.com`),
);
const registerArb = fc.record(
  {
    customerId: idArb(['c1']),
    name: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('Zéphyr Büro GmbH', 'שלום בע"מ', '  Acme  ', 'n'.repeat(200)) }, { weight: 2, arbitrary: textArb(200) }),
    kind: fc.constantFrom(...KINDS, 'PARTNER', 'distributor'),
    region: textArb(100),
    email: emailArb,
  },
  { requiredKeys: ['customerId', 'name', 'kind'] },
);
const scenarioArb = fc.record({ start: startArb, steps: fc.array(fc.record({ advance: fc.nat({ max: 86_400_000 }), register: registerArb, repeat: fc.boolean() }), { minLength: 1, maxLength: 12 }) });

function expected(m: Model | null, c: RegisterCustomer): Outcome<CustomerEvent> {
  const name = expectedText(c.name, 200);
  const region = expectedOptionalText(c.region, 100);
  const email = expectedOptionalText(c.email, 320);
  const bad = !isValidId(c.customerId) || name === null || !KINDS.includes(c.kind) || region === null || email === null ||
    (email.value !== undefined && !plausibleEmail(email.value));
  const violations: ErrorCode[] = bad ? ['BAD_USER_INPUT'] : [];
  if (m !== null) {
    if (!(m.name === name && m.kind === c.kind && m.region === region?.value && m.email === email?.value)) violations.push('CONFLICT');
    return outcome(violations, () => []);
  }
  return outcome(violations, () => [{
    type: 'CustomerRegistered',
    data: {
      customerId: c.customerId, name: name!, kind: c.kind,
      ...(region!.value ? { region: region!.value } : {}), ...(email!.value ? { email: email!.value } : {}), registeredAt: isoOf(c.now.getTime()),
    },
  }]);
}

describe('customer decider against a reference model', () => {
  it('registers, repeats and conflicts exactly as the model does', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ start, steps }) => {
        let now = start;
        let model: Model | null = null;
        let last: RegisterCustomer | undefined;
        const history: CustomerEvent[] = [];
        for (const step of steps) {
          now += step.advance;
          const c: RegisterCustomer = step.repeat && last ? { ...last, now: new Date(now) } : { type: 'RegisterCustomer', ...step.register, kind: step.register.kind as 'RESELLER', now: new Date(now) };
          last = c;
          const want = expected(model, c);
          const events = decideAndCompare(customerDecider, history, c, want);
          seen.add('events' in want ? `${events.length}` : [...new Set(want.refused)].sort().join('|'));
          history.push(...events);
          if (events.length > 0) {
            const { region, email } = events[0]!.data as { region?: string; email?: string };
            model = { customerId: c.customerId, name: c.name.trim(), kind: c.kind, registeredAt: now, ...(region ? { region } : {}), ...(email ? { email } : {}) };
          }
          expect(foldFrozen(customerDecider, history)).toStrictEqual(
            model === null ? { status: 'NONE' } : { status: 'REGISTERED', ...model, registeredAt: isoOf(model.registeredAt) },
          );
        }
      }),
      { seed: 20261205, numRuns: 500 },
    );
    expect([...seen].sort()).toEqual(['0', '1', 'BAD_USER_INPUT', 'BAD_USER_INPUT|CONFLICT', 'CONFLICT']);
  });
});
