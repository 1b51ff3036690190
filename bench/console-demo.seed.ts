// Demo data for the console's screenshots and its bench, written through the public GraphQL API
// (the console's own door), so what it shows is what any client would have made.

export interface LedgerCaller {
  baseUrl: string;
  /** Omitted in loopback development mode (no keys). */
  apiKey?: string;
}

export async function callLedger<T>(caller: LedgerCaller, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${caller.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(caller.apiKey ? { authorization: `Bearer ${caller.apiKey}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(`${body.errors[0]!.extensions?.code ?? 'ERROR'}: ${body.errors[0]!.message}`);
  return body.data as T;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const CUSTOMERS = [
  { id: 'cus-zephyr', name: 'Zéphyr Büro GmbH', kind: 'DISTRIBUTOR', region: 'DACH', email: 'einkauf@zephyr-buero.example' },
  { id: 'cus-nordlicht', name: 'Nordlicht Logistik AG', kind: 'DISTRIBUTOR', region: 'Nordics', email: 'orders@nordlicht.example' },
  { id: 'cus-cafe-ole', name: 'Café Olé Distribución S.L.', kind: 'DISTRIBUTOR', region: 'Iberia', email: 'compras@cafeole.example' },
  { id: 'cus-acme', name: 'Acme Retail Ltd', kind: 'RESELLER', region: 'UK & Ireland', email: 'buying@acme-retail.example' },
  { id: 'cus-soren', name: 'Søren & Co ApS', kind: 'RESELLER', region: 'Nordics', email: 'hej@soren.example' },
  { id: 'cus-lumiere', name: 'Lumière Électrique SARL', kind: 'RESELLER', region: 'France', email: 'achats@lumiere.example' },
  { id: 'cus-okafor', name: 'Adaeze Okafor', kind: 'END_USER', region: 'West Africa', email: 'adaeze.okafor@example.com' },
  { id: 'cus-mueller', name: 'Jürgen Müller', kind: 'END_USER', region: 'DACH', email: 'j.mueller@example.de' },
] as const;

const PROMISES = [
  ['DELIVERY', 'Deliver the replacement pallet of order 4411'],
  ['BILLING', 'Credit the duplicate invoice INV-2291'],
  ['SERVICE', 'Call back with the root cause of the outage'],
  ['QUALITY', 'Replace the damaged units from batch 77-B'],
  ['DELIVERY', 'Ship the spring catalogue order by express'],
  ['OTHER', 'Send the signed framework agreement'],
] as const;

/**
 * Eight customers with promises in every state and priced and unpriced errors over the last six
 * months. Returns the id of the customer with the richest page.
 */
export async function seedDemoData(caller: LedgerCaller, now = Date.now()): Promise<{ featuredCustomerId: string }> {
  const call = <T>(query: string, variables: Record<string, unknown>) => callLedger<T>(caller, query, variables);
  await call(
    `mutation ($input: SetErrorCostPolicyInput!) { setErrorCostPolicy(input: $input) { effectiveFrom } }`,
    { input: { customerKind: 'RESELLER', errorType: 'SHIPPING', costPerError: { amount: '120.00', currency: 'EUR' }, effectiveFrom: iso(now - 200 * DAY) } },
  );
  await call(`mutation ($input: SetBusinessCalendarInput!) { setBusinessCalendar(input: $input) { id } }`, {
    input: {
      id: 'support-berlin',
      name: 'Support desk Berlin',
      timeZone: 'Europe/Berlin',
      hours: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].flatMap((day) => [
        { day, opens: '08:00', closes: '12:30' },
        { day, opens: '13:30', closes: '17:00' },
      ]),
      holidays: ['2026-12-24', '2026-12-25', '2026-12-31'],
    },
  });
  await call(`mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }`, {
    input: { url: 'http://127.0.0.1:9/promise-ledger', events: ['PROMISE_BROKEN', 'PROMISE_AT_RISK', 'PROMISE_CRITICAL'] },
  });
  for (const [index, customer] of CUSTOMERS.entries()) {
    await call(`mutation ($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`, { input: customer });
    const count = index === 0 ? PROMISES.length : 2 + (index % 3);
    for (let p = 0; p < count; p++) {
      const [kind, description] = PROMISES[(p + index) % PROMISES.length]!;
      const madeAt = now - (40 - p * 6 - index) * DAY;
      const { makePromise } = await call<{ makePromise: { id: string; version: number } }>(
        `mutation ($input: MakePromiseInput!) { makePromise(input: $input) { id version } }`,
        { input: { id: `${customer.id}-p${p}`, customerId: customer.id, kind, description, madeAt: iso(madeAt), dueBy: iso(now + (p - 1) * 2 * DAY + (index + 1) * 3_600_000) } },
      );
      const outcome = (p + index) % 5;
      if (outcome === 0 && p < count - 1) {
        await call(`mutation ($input: KeepPromiseInput!) { keepPromise(input: $input) { id } }`, { input: { id: makePromise.id, keptAt: iso(madeAt + 2 * DAY), evidence: 'Customer confirmed by phone' } });
      } else if (outcome === 1 && index % 2 === 1) {
        await call(`mutation ($input: BreakPromiseInput!) { breakPromise(input: $input) { id } }`, { input: { id: makePromise.id, reason: 'Carrier missed the pick-up slot' } });
      } else if (outcome === 2 && p === 0) {
        await call(`mutation ($input: ReleasePromiseInput!) { releasePromise(input: $input) { id } }`, { input: { id: makePromise.id, reason: 'Customer cancelled the order' } });
      }
    }
    const errors = customer.kind === 'DISTRIBUTOR' ? 5 : customer.kind === 'RESELLER' ? 3 : 1;
    for (let e = 0; e < errors; e++) {
      await call(`mutation ($input: RecordErrorInput!) { recordError(input: $input) { id } }`, {
        input: {
          id: `${customer.id}-e${e}`,
          customerId: customer.id,
          type: (e + index) % 2 === 0 ? 'BILLING' : 'SHIPPING',
          occurredAt: iso(now - (e * 31 + index * 4 + 3) * DAY),
          reference: `REF-${1000 + index * 10 + e}`,
          description: (e + index) % 2 === 0 ? 'Invoiced twice for the same delivery' : 'Wrong items shipped',
          ...(customer.kind === 'END_USER' && e === 0 ? {} : customer.kind === 'DISTRIBUTOR' && e === 4 ? { cost: { amount: '310.00', currency: 'USD' } } : {}),
        },
      });
    }
  }
  return { featuredCustomerId: CUSTOMERS[0].id };
}
