import { describe, expect, it } from '@jest/globals';
import { DomainError, promiseDecider, type PromiseState } from '#libs/domain';
import { decideOnStream, targetOf, type AggregateCommand } from './aggregate-command.js';

const now = new Date('2030-01-01T00:00:00Z');
const make = { type: 'MakePromise', promiseId: 'P-1', customerId: 'C-1', kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'ship', dueBy: new Date('2030-02-01T00:00:00Z'), now } as const;
const empty = { state: promiseDecider.initialState(), version: -1 };

describe('decideOnStream (the decision step of mutations and ERP items)', () => {
  it('decides on the state it is given and folds the new events into it', () => {
    const made = decideOnStream(promiseDecider, empty, make, {});
    expect(made.events.map((e) => e.type)).toEqual(['PromiseMade']);
    expect(made.version).toBe(0);
    const kept = decideOnStream(promiseDecider, made, { type: 'KeepPromise', promiseId: 'P-1', now }, { mustExist: 'promise P-1 not found', expectedVersion: 0 });
    expect((kept.state as PromiseState).status).toBe('KEPT');
    expect(kept.version).toBe(1);
  });

  it('refuses a transition of an empty stream with NOT_FOUND and a stale expectedVersion with CONFLICT', () => {
    expect(() => decideOnStream(promiseDecider, empty, { type: 'KeepPromise', promiseId: 'P-1', now }, { mustExist: 'promise P-1 not found' })).toThrow(
      new DomainError('NOT_FOUND', 'promise P-1 not found'),
    );
    const made = decideOnStream(promiseDecider, empty, make, {});
    expect(() => decideOnStream(promiseDecider, made, { type: 'KeepPromise', promiseId: 'P-1', now }, { expectedVersion: 4 })).toThrow(
      'stale expectedVersion 4: the current version is 0',
    );
  });
});

describe('targetOf', () => {
  it.each<[AggregateCommand, string, string]>([
    [{ aggregate: 'customer', command: { type: 'RegisterCustomer', customerId: 'C-1', name: 'A', kind: 'END_USER' } }, 'customer-C-1', 'customer C-1 not found'],
    [{ aggregate: 'promise', command: { type: 'BreakPromise', promiseId: 'P-1', reason: 'r' } }, 'promise-P-1', 'promise P-1 not found'],
    [{ aggregate: 'error', command: { type: 'VoidError', errorId: 'E-1', reason: 'r' } }, 'error-E-1', 'error incident E-1 not found'],
  ])('names the stream of %j', (command, stream, notFound) => {
    expect(targetOf(command)).toMatchObject({ stream, notFound });
  });
});
