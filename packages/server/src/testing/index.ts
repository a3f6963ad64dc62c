/** Test support for other packages' tests (`@visage/server/testing`); never part of the built package. */
export { consent, fixture, operator, startTestPlatform, type TestPlatform } from './test-platform.js';
export { createFaceIdClient, faceIdNotifySignValid, faceIdSign } from './faceid-client.js';
export { tokenBucketAllows } from './token-bucket.js';
