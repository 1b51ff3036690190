/** Injects the read side (`ReadSide` of libs/projections): the views' queries, counted, behind the read cache. */
export const READ_SIDE = Symbol('READ_SIDE');
