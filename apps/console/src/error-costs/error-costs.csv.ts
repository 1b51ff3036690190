import type { ErrorCostRow } from './error-costs.query.js';

/** Currencies present in the rows, in a stable order: one money column each. */
export const currenciesOf = (rows: readonly ErrorCostRow[]): string[] =>
  [...new Set(rows.flatMap((row) => row.cost.map((money) => money.currency)))].sort();

export const amountIn = (row: ErrorCostRow, currency: string): string | undefined =>
  row.cost.find((money) => money.currency === currency)?.amount;

const cell = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/**
 * The table as RFC 4180 CSV: one row per group key, one "Cost (XXX)" column per currency holding
 * the API's decimal string unchanged (empty when the group has no cost in that currency), and
 * the unpriced errors counted in their own column, never folded into a cost.
 */
export function errorCostsCsv(keyHeader: string, rows: readonly ErrorCostRow[]): string {
  const currencies = currenciesOf(rows);
  const lines = [[keyHeader, 'Errors', 'Unpriced errors', ...currencies.map((currency) => `Cost (${currency})`)]];
  for (const row of rows) {
    lines.push([row.key, String(row.errors), String(row.unpricedErrors), ...currencies.map((currency) => amountIn(row, currency) ?? '')]);
  }
  return lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file through the browser's own download (nothing leaves the machine). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
