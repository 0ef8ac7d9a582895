// The server's public surface for embedders and tests.
export { type Config, ConfigError, DEFAULTS, loadConfig } from './config/config.js';
export { parseQuery } from './engines/search.js';
export type { Store } from './engines/store.js';
export { createPostgresStore, type PostgresStore } from './engines/store.postgres.js';
export { SqliteStore, type SqliteStoreOptions } from './engines/store.sqlite.js';
export { createNode, type Engines, type LiveNode, type NodeOptions } from './node.js';
