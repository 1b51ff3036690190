import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPE, STREAM_NAME } from '@kurrent/kurrentdb-client';
import { escapeRegex, matchesFilter, toServerFilter } from './kurrentdb-filter.mapping.js';

describe('KurrentDB filter mapping', () => {
  it('sends stream prefixes to the server as a prefix filter', () => {
    expect(toServerFilter({ streamPrefixes: ['promise-', 'error-'] })).toMatchObject({
      filterOn: STREAM_NAME,
      prefixes: ['promise-', 'error-'],
    });
  });

  it('sends event types as an exact-name regex, not as prefixes', () => {
    const filter = toServerFilter({ eventTypes: ['PromiseMade', 'PromiseKept'] });
    expect(filter).toMatchObject({ filterOn: EVENT_TYPE, regex: '^(?:PromiseMade|PromiseKept)$' });
    const regex = new RegExp((filter as { regex: string }).regex);
    expect(regex.test('PromiseMade')).toBe(true);
    expect(regex.test('PromiseMadeAgain')).toBe(false);
  });

  it('prefers the stream prefixes on the server when both are given (types are checked here)', () => {
    expect(toServerFilter({ streamPrefixes: ['promise-'], eventTypes: ['PromiseMade'] })).toMatchObject({ filterOn: STREAM_NAME });
  });

  it('drops KurrentDB\'s own $ streams on the server when nothing else filters', () => {
    expect(toServerFilter({})).toMatchObject({ filterOn: STREAM_NAME, regex: '^[^$]' });
    expect(toServerFilter({ eventTypes: [], streamPrefixes: [] })).toMatchObject({ filterOn: STREAM_NAME, regex: '^[^$]' });
    const regex = new RegExp((toServerFilter({}) as { regex: string }).regex);
    expect(regex.test('$projections-ledger-result')).toBe(false);
    expect(regex.test('promise-1')).toBe(true);
  });

  it('escapes regex characters in type names', () => {
    expect(escapeRegex('a.b*c+(d)|[e]$^{f}?\\')).toBe('a\\.b\\*c\\+\\(d\\)\\|\\[e\\]\\$\\^\\{f\\}\\?\\\\');
    const regex = new RegExp(`^(?:${escapeRegex('v1.Made')})$`);
    expect(regex.test('v1.Made')).toBe(true);
    expect(regex.test('v1xMade')).toBe(false);
  });

  it('checks the whole filter on events the server sent, literally, never passing system events', () => {
    const filter = { streamPrefixes: ['ct1-a_'], eventTypes: ['Alpha'] };
    expect(matchesFilter({ stream: 'ct1-a_b', type: 'Alpha' }, filter)).toBe(true);
    expect(matchesFilter({ stream: 'ct1-axb', type: 'Alpha' }, filter)).toBe(false);
    expect(matchesFilter({ stream: 'ct1-a_b', type: 'Beta' }, filter)).toBe(false);
    expect(matchesFilter({ stream: 'ct1-a_b', type: '$metadata' }, {})).toBe(false);
    // The legacy projection engine's results: ordinary types in a $ stream.
    expect(matchesFilter({ stream: '$projections-ledger-result', type: 'Result' }, { eventTypes: ['Result'] })).toBe(false);
    expect(matchesFilter({ stream: '$projections-ledger', type: 'ResultRemoved' }, {})).toBe(false);
    expect(matchesFilter({ stream: 'anything', type: 'Alpha' }, {})).toBe(true);
  });
});
