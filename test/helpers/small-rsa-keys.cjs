// Tests make RSA key pairs of 2048 bits where Silta and ltijs make 4096 (tool keys at registration
// and rotation): a 4096-bit pair takes 1-3 s of CPU on the CI machine and the suite makes about
// forty, in this process and in the CLI and Silta processes it starts (which inherit this file
// through NODE_OPTIONS). Signing, verifying and publishing keys work the same with either size.
'use strict';
const crypto = require('node:crypto');

const TEST_BITS = 2048;
const smaller = (type, options) =>
  type === 'rsa' && options && options.modulusLength > TEST_BITS ? { ...options, modulusLength: TEST_BITS } : options;

const generateKeyPairSync = crypto.generateKeyPairSync;
crypto.generateKeyPairSync = function (type, options) {
  return generateKeyPairSync.call(crypto, type, smaller(type, options));
};
const generateKeyPair = crypto.generateKeyPair;
const wrapped = function (type, options, callback) {
  return generateKeyPair.call(crypto, type, smaller(type, options), callback);
};
// util.promisify reads Node's own marker on generateKeyPair to resolve { publicKey, privateKey }.
for (const symbol of Object.getOwnPropertySymbols(generateKeyPair)) wrapped[symbol] = generateKeyPair[symbol];
crypto.generateKeyPair = wrapped;
