export * from './graphql-api.module.js';
export * from './errors/format-error.js';
export * from './metrics/read-queries.metrics.js';
