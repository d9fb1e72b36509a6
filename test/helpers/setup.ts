// Runs before every test file: tests run with NODE_ENV=test and quiet logs.
import path from 'node:path';

process.env.NODE_ENV = 'test';

// Smaller RSA keys in this process and in every process a test starts (small-rsa-keys.cjs says why).
const smallKeys = path.join(__dirname, 'small-rsa-keys.cjs');
require(smallKeys);
if (!process.env.NODE_OPTIONS?.includes(smallKeys))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require "${smallKeys}"`.trim();
