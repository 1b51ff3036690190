import { useEffect, useRef } from 'react';
import { useClient } from 'urql';
import { LedgerChangedLive, PromiseBrokenLive } from './customer-page.query.js';

interface Handlers {
  onBroken: (promise: { id: string; description: string }) => void;
  onLedgerChanged: () => void;
}

/**
 * While the page is open: the customer's promises breaking and its ledger changing, over graphql-ws.
 * Subscribed outside React state, so an event re-renders only what the handlers refresh.
 */
export function useCustomerLive(customerId: string, handlers: Handlers): void {
  const client = useClient();
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const broken = client.subscription(PromiseBrokenLive, { customerId }).subscribe((result) => {
      if (result.data) latest.current.onBroken(result.data.promiseBroken);
    });
    const changed = client.subscription(LedgerChangedLive, { customerId }).subscribe((result) => {
      if (result.data) latest.current.onLedgerChanged();
    });
    return () => {
      broken.unsubscribe();
      changed.unsubscribe();
    };
  }, [client, customerId]);
}
