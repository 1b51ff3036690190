import type pg from 'pg';
import { unreachable, type PromiseStatus } from '#libs/domain';
import type { RecordedKind } from '../shared/batch-context.js';

/** How a promise leaves OPEN. */
export type Settlement = Exclude<PromiseStatus, 'OPEN'>;

type Counts = { made: number; open: number; kept: number; broken: number; released: number };

/** Per customer kind, how a batch moves the brand ledger's counters (rm_brand_ledger). */
export class BrandLedgerCounters {
  private readonly byKind = new Map<RecordedKind, Counts>();

  made(kind: RecordedKind): void {
    const counts = this.of(kind);
    counts.made += 1;
    counts.open += 1;
  }

  settled(kind: RecordedKind, status: Settlement): void {
    const counts = this.of(kind);
    counts.open -= 1;
    switch (status) {
      case 'KEPT':
        counts.kept += 1;
        return;
      case 'BROKEN':
        counts.broken += 1;
        return;
      case 'RELEASED':
        counts.released += 1;
        return;
      default:
        return unreachable(status);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    if (this.byKind.size === 0) return;
    const rows = [...this.byKind].map(([customer_kind, counts]) => ({ customer_kind, ...counts }));
    const column = (name: keyof (typeof rows)[number]) => rows.map((r) => r[name]);
    await client.query(
      `insert into rm_brand_ledger as b (customer_kind, made, open, kept, broken, released)
       select * from unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[])
       on conflict (customer_kind) do update set made = b.made + excluded.made, open = b.open + excluded.open,
         kept = b.kept + excluded.kept, broken = b.broken + excluded.broken, released = b.released + excluded.released`,
      [column('customer_kind'), column('made'), column('open'), column('kept'), column('broken'), column('released')],
    );
  }

  private of(kind: RecordedKind): Counts {
    let counts = this.byKind.get(kind);
    if (!counts) this.byKind.set(kind, (counts = { made: 0, open: 0, kept: 0, broken: 0, released: 0 }));
    return counts;
  }
}
