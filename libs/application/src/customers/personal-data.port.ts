/** Where customers' data keys are kept (never in the log). */
export interface PersonalDataVault {
  /**
   * Destroys the customer's data key for good, after sealing whatever of its events is still in
   * clear (written before encryption existed), so nothing readable is left behind. Idempotent.
   */
  destroyKey(customerId: string): Promise<void>;

  /**
   * After the read models cleared an erasure: renews what the database keeps besides the rows
   * (the planner's statistics hold sample values of columns), so no sample of erased data stays.
   */
  refreshSamples(): Promise<void>;
}
