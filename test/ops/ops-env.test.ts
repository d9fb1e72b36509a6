import assert from 'node:assert/strict';
import { ConfigError, loadEnv } from '../../server/env';

/** The one-line message loadEnv throws for `source`. */
function configError(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail(`loadEnv(${JSON.stringify(source)}) did not fail`);
}

describe('operations settings (METRICS_TOKEN, SHUTDOWN_TIMEOUT_SECONDS, RETENTION_MONTHS)', () => {
  it('defaults: no metrics endpoint, 20 s to shut down, no retention', () => {
    const env = loadEnv({});
    assert.deepEqual([env.metricsToken, env.shutdownTimeoutSeconds, env.retentionMonths], [undefined, 20, 0]);
  });

  it('reads good values', () => {
    const env = loadEnv({
      METRICS_TOKEN: 'a-long-enough-token',
      SHUTDOWN_TIMEOUT_SECONDS: '45',
      RETENTION_MONTHS: '24',
    });
    assert.deepEqual(
      [env.metricsToken, env.shutdownTimeoutSeconds, env.retentionMonths],
      ['a-long-enough-token', 45, 24],
    );
  });

  it('names the variable of a bad value, one line each', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { METRICS_TOKEN: 'short' },
        /^Configuration error: METRICS_TOKEN must be at least 16 characters \(got "short"\)$/,
      ],
      [{ SHUTDOWN_TIMEOUT_SECONDS: '0' }, /^Configuration error: SHUTDOWN_TIMEOUT_SECONDS must be 1-600/],
      [{ SHUTDOWN_TIMEOUT_SECONDS: '20s' }, /^Configuration error: SHUTDOWN_TIMEOUT_SECONDS must be a whole number/],
      [{ RETENTION_MONTHS: '-1' }, /^Configuration error: RETENTION_MONTHS must be a whole number/],
      [{ RETENTION_MONTHS: '1.5' }, /^Configuration error: RETENTION_MONTHS must be a whole number/],
    ];
    for (const [source, message] of cases) assert.match(configError(source), message);
  });
});
