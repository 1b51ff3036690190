/**
 * kept / (kept + broken): released and open promises count for neither side. Null, not 0, when
 * nothing has settled yet, so a new customer does not look like one who breaks every promise.
 */
export function keptRate(kept: number, broken: number): number | null {
  const settled = kept + broken;
  return settled === 0 ? null : kept / settled;
}
