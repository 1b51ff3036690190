// The key lives in this tab's sessionStorage only: closing the tab forgets it.
const STORAGE_KEY = 'promise-ledger.api-key';

export const storedApiKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeApiKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetApiKey = (): void => sessionStorage.removeItem(STORAGE_KEY);
