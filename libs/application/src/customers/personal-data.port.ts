/** Where customers' data keys are kept (never in the log). */
export interface PersonalDataVault {
  /**
   * Destroys the customer's data key for good, after sealing whatever of its events is still in
   * clear (written before encryption existed), so nothing readable is left behind. Idempotent.
   */
  destroyKey(customerId: string): Promise<void>;
}
