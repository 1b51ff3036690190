export * from './migrations.js';
export * from './pool.js';
export * from './embedded-postgres.server.js';
export * from './open-database.js';
export * from './notify-publisher.js';
