/** Test support for other packages' tests (`@visage/storage/testing`); never part of the built package. */
export { createTestSchema, dialectNames, freshDatabase, testPostgresUrl, type TestSchema } from './dialects.js';
