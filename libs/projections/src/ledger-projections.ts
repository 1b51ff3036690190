import { LedgerProjection } from './ledger/ledger.projection.js';
import { TimelineProjection } from './timeline/timeline.projection.js';
import type { Projection } from './projection.js';

/** Every read model of the ledger. */
export const ledgerProjections = (): Projection[] => [new LedgerProjection(), new TimelineProjection()];
