import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createSocketClient } from 'graphql-ws';

/** One GraphQL client for the whole console: HTTP for queries and mutations, graphql-ws for live updates. */
export function createLedgerClient(apiKey: string | null): Client {
  const authorization = apiKey ? `Bearer ${apiKey}` : undefined;
  const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const sockets = createSocketClient({
    url: socketUrl,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: (): RequestInit => ({ headers: authorization ? { authorization } : {} }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: sockets.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}
