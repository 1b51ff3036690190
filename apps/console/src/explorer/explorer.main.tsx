import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { storedApiKey } from '../session/api-key.storage.js';

// The explorer sends the key the console signed in with (same tab, same sessionStorage).
const apiKey = storedApiKey();
const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: socketUrl,
  headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  wsConnectionParams: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
});

const defaultQuery = `# Promise Ledger explorer: the key you signed in with in the console is sent with every request.
query Viewer {
  viewer {
    role
    name
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
  </StrictMode>,
);
