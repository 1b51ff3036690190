import { DomainError, badInput } from './domain-error.js';

/** Money in integer minor units: never a float. */
export interface Money {
  minor: bigint;
  currency: string;
}

/** How money looks in events and on the API. */
export interface MoneyJson {
  amount: string;
  currency: string;
}

const ZERO_DIGIT = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DIGIT = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** ISO 4217 minor digits (2 unless listed). */
export const minorDigits = (currency: string): number => (ZERO_DIGIT.has(currency) ? 0 : THREE_DIGIT.has(currency) ? 3 : 2);

/** 15 integer digits: enough for any real cost, and far from bigint-to-number surprises downstream. */
export const MAX_INTEGER_DIGITS = 15;

/** The ISO 4217 currencies in use, as the runtime's ICU data knows them, and the funds codes above (ZZZ or XXX are not money). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('currency'), ...ZERO_DIGIT, ...THREE_DIGIT]);
export const isKnownCurrency = (currency: string): boolean => KNOWN_CURRENCIES.has(currency);

/**
 * Strict: an ISO 4217 currency in use and a non-negative decimal with exactly the currency's
 * minor digits ("250.00" for USD; "250", "250.5", "-1", "1e3" are refused).
 */
export function parseMoney(input: MoneyJson, field = 'amount'): Money {
  return parse(input, field, true);
}

function parse(input: MoneyJson, field: string, knownCurrencyOnly: boolean): Money {
  if (typeof input !== 'object' || input === null) throw badInput(field, 'must be money: { amount, currency }');
  const currencyField = field.includes('.') ? `${field.slice(0, field.lastIndexOf('.'))}.currency` : 'currency';
  if (typeof input.currency !== 'string' || !/^[A-Z]{3}$/.test(input.currency)) {
    throw new DomainError('BAD_USER_INPUT', `${currencyField}: must be three upper-case letters (ISO 4217), e.g. USD`, {
      [currencyField]: 'must be three upper-case letters',
    });
  }
  if (knownCurrencyOnly && !isKnownCurrency(input.currency)) {
    throw new DomainError('BAD_USER_INPUT', `${currencyField}: ${input.currency} is not an ISO 4217 currency in use, e.g. USD`, {
      [currencyField]: 'must be an ISO 4217 currency code in use',
    });
  }
  const digits = minorDigits(input.currency);
  const pattern = digits === 0 ? /^(\d+)$/ : new RegExp(`^(\\d+)\\.(\\d{${digits}})$`);
  const match = typeof input.amount === 'string' ? pattern.exec(input.amount) : null;
  const example = digits === 0 ? '250' : `250.${'0'.repeat(digits)}`;
  if (!match || match[1]!.length > MAX_INTEGER_DIGITS || (match[1]!.length > 1 && match[1]!.startsWith('0'))) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: must be a non-negative decimal with ${digits} decimal places for ${input.currency}, e.g. "${example}"`,
      { [field]: `must look like "${example}"` },
    );
  }
  return { minor: BigInt(match[1]! + (match[2] ?? '')), currency: input.currency };
}

export function formatMoney(money: Money): MoneyJson {
  const digits = minorDigits(money.currency);
  const negative = money.minor < 0n;
  const text = (negative ? -money.minor : money.minor).toString().padStart(digits + 1, '0');
  const amount = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return { amount: negative ? `-${amount}` : amount, currency: money.currency };
}

/** The form money takes inside events: a decimal string, never a float. */
export const moneyToJson = (money: Money): MoneyJson => formatMoney(money);
/** Money as stored in an event: read as written, whatever the currency list of this runtime says. */
export const moneyFromJson = (json: MoneyJson, field = 'amount'): Money => parse(json, field, false);
export const moneyEquals = (a: Money, b: Money): boolean => a.minor === b.minor && a.currency === b.currency;

/** Same-currency addition; there is no conversion, so mixing currencies is refused. */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) {
    throw new DomainError('BAD_USER_INPUT', `cannot add ${a.currency} to ${b.currency}`, { currency: 'currencies differ' });
  }
  return { minor: a.minor + b.minor, currency: a.currency };
}

/** money × numerator / denominator, rounded half up to minor units (e.g. the forecast's × 365 / days). */
export function multiplyMoneyRatio(money: Money, numerator: bigint, denominator: bigint): Money {
  if (denominator <= 0n) throw new DomainError('BAD_USER_INPUT', 'the ratio\'s denominator must be positive', { denominator: 'must be positive' });
  const product = money.minor * numerator;
  const quotient = product / denominator;
  const remainder = product % denominator;
  return { minor: remainder * 2n >= denominator ? quotient + 1n : quotient, currency: money.currency };
}

/** Totals per currency, sorted by currency: amounts in different currencies are never added. */
export function sumByCurrency(list: readonly Money[]): Money[] {
  const totals = new Map<string, bigint>();
  for (const m of list) totals.set(m.currency, (totals.get(m.currency) ?? 0n) + m.minor);
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, minor]) => ({ currency, minor }));
}
