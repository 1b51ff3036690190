import { badInput } from './domain-error.js';

export function text(field: string, value: string, max: number, min = 1): string {
  if (typeof value !== 'string') throw badInput(field, 'must be text');
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(field, 'must not be empty');
  if (trimmed.length > max) throw badInput(field, `must be at most ${max} characters`);
  return trimmed;
}

export function optionalText(field: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = text(field, value, max, 0);
  return trimmed === '' ? undefined : trimmed;
}

export function validDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, 'must be a valid date-time');
  return value;
}

export const iso = (date: Date): string => date.toISOString();
