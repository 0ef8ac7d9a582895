// The server's public surface for embedders and tests.
export { type Config, ConfigError, DEFAULTS, loadConfig } from './config/config.js';
export { createNode, type Engines, type LiveNode, type NodeOptions } from './node.js';
