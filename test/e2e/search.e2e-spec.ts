import { describe, expect, it } from '@jest/globals';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const KEYS = { AGENT: 'agent-key-0001', FINANCE: 'finance-key-0001', INTEGRATION: 'integration-key-0001', ADMIN: 'admin-key-0001' };
type Role = keyof typeof KEYS;

const server = useLedgerServer({ LEDGER_API_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',') });

const as = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });
const SEARCH = 'query($text: String!, $first: Int) { searchCustomers(text: $text, first: $first) { id name email region } }';

async function register(input: Record<string, unknown>): Promise<string> {
  const res = await gql(server.baseUrl, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: input }, as('AGENT'));
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.registerCustomer.id as string;
}

describe('searchCustomers', () => {
  it('is answered to AGENT, FINANCE and ADMIN, and refused to INTEGRATION with FORBIDDEN', async () => {
    const id = await register({ name: 'Zéphyr Büro GmbH', kind: 'RESELLER', region: 'Bretagne', email: 'contact@zephyr.example' });
    for (const role of ['AGENT', 'FINANCE', 'ADMIN'] as const) {
      const res = await gql(server.baseUrl, SEARCH, { text: 'zephyr buro' }, as(role));
      expect(res.errors).toBeUndefined();
      expect(res.data!.searchCustomers).toEqual([{ id, name: 'Zéphyr Büro GmbH', email: 'contact@zephyr.example', region: 'Bretagne' }]);
    }
    const refused = await gql(server.baseUrl, SEARCH, { text: 'zephyr' }, as('INTEGRATION'));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses first outside 1..100 and text over 320 characters with BAD_USER_INPUT naming the field; blank text finds no one', async () => {
    const tooMany = await gql(server.baseUrl, SEARCH, { text: 'x', first: 101 }, as('AGENT'));
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { first: expect.any(String) } });
    const tooLong = await gql(server.baseUrl, SEARCH, { text: 'x'.repeat(321) }, as('AGENT'));
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { text: expect.any(String) } });
    const blank = await gql(server.baseUrl, SEARCH, { text: '   ' }, as('AGENT'));
    expect(blank).toMatchObject({ status: 200, data: { searchCustomers: [] } });
    expect(blank.errors).toBeUndefined();
    const hostile = await gql(server.baseUrl, SEARCH, { text: "'%_\\ & | ! :* ( )" }, as('AGENT'));
    expect(hostile).toMatchObject({ status: 200, data: { searchCustomers: [] } });
    expect(hostile.errors).toBeUndefined();
  });
});

describe('Customer.email', () => {
  it('is the email given at registration, null when none was', async () => {
    const withEmail = await register({ name: 'Mailed', kind: 'DISTRIBUTOR', email: 'ops@mailed.example' });
    const without = await register({ name: 'Unmailed', kind: 'DISTRIBUTOR' });
    const read = async (id: string) => (await gql(server.baseUrl, 'query($id: ID!) { customer(id: $id) { email } }', { id }, as('INTEGRATION'))).data!.customer;
    expect(await read(withEmail)).toEqual({ email: 'ops@mailed.example' });
    expect(await read(without)).toEqual({ email: null });
  });
});
