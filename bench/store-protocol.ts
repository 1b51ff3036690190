/** The two event stores of the `store` section. */
export type ContenderName = 'ours' | 'emmett';

/** What store.bench.ts asks a contender worker to do; each answer is a Sample (or a string). */
export type StoreCommand =
  | { op: 'synchronousCommit' }
  | { op: 'appendOne'; tag: string; count: number; workers: number }
  | { op: 'appendBatch'; tag: string; count: number; size: number }
  | { op: 'seedStream'; stream: string; size: number }
  | { op: 'readStream'; stream: string; count: number }
  | { op: 'catchUp'; pageSize: number }
  | { op: 'floorInsert'; count: number }
  | { op: 'diagnose'; workers: number; count: number; chunks: number; size: number }
  | { op: 'close' };

/** The answer to `diagnose`: how the pre-check is planned, and each es_append variant's sample (null: its change did not apply). */
export interface Diagnosis {
  logEvents: number;
  preCheck: string;
  /** null: its change did not apply, or it does not apply to this kind of append. */
  variants: [string, import('./measure.js').Sample | null][];
}
