import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { formatMoney } from '../shared/format.js';
import { currenciesOf, amountIn } from './error-costs.csv.js';
import type { ErrorCostRow } from './error-costs.query.js';

// Only what a bar chart uses: the rest of Chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

/** What the bars say, in words: the canvas's text alternative. */
export function chartSummary(rows: readonly ErrorCostRow[]): string {
  if (rows.length === 0) return 'Error cost by month: no errors for these filters.';
  const months = rows.map((row) => {
    const costs = row.cost.map((money) => formatMoney(money));
    if (row.unpricedErrors > 0) costs.push(`${row.unpricedErrors} unpriced`);
    return `${row.key}: ${costs.join(', ')}`;
  });
  return `Error cost by month (UTC), bars per currency. ${months.join('; ')}.`;
}

/** Bars per currency for each month (UTC `YYYY-MM`, as the API groups them). */
export function ErrorCostChart({ rows }: { rows: readonly ErrorCostRow[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const currencies = currenciesOf(rows);
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((row) => row.key),
        datasets: currencies.map((currency, index) => ({
          label: currency,
          // Plotting needs numbers; every figure shown as text comes from the API's decimal string.
          data: rows.map((row) => {
            const amount = amountIn(row, currency);
            return amount === undefined ? null : Number(amount);
          }),
          backgroundColor: PALETTE[index % PALETTE.length],
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => {
                const currency = currencies[item.datasetIndex];
                const amount = amountIn(rows[item.dataIndex], currency);
                return amount === undefined ? currency : formatMoney({ amount, currency });
              },
            },
          },
        },
        scales: { y: { beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [rows]);

  const summary = chartSummary(rows);
  return (
    <div className="chart-area">
      <canvas ref={canvas} role="img" aria-label={summary}>
        {summary}
      </canvas>
    </div>
  );
}
