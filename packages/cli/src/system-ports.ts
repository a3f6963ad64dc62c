// The server's adapters, shared so that the CLI and the server hash, sign and tell time the same way.
export { nodeCrypto, systemClock } from '@visage/server';
