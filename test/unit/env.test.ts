import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadEnv } from '../../server/env';
import { DATA_DIR, ROOT_DIR } from '../../server/paths';

const PRODUCTION = { NODE_ENV: 'production', SECRET_KEY: 'a-production-secret-of-at-least-32-chars' };

/** The error loadEnv throws for `source`; fails the test when it does not throw. */
function configError(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error.message;
  }
  assert.fail(`loadEnv(${JSON.stringify(source)}) did not fail`);
}

/** Exactly one line, naming the variable. */
function assertOneLineNaming(message: string, variable: string) {
  assert.equal(message.split('\n').length, 1, message);
  assert.match(message, new RegExp(`^Configuration error: ${variable} `));
}

describe('loadEnv', () => {
  it('has working defaults for a newcomer', () => {
    const env = loadEnv({});
    assert.equal(env.nodeEnv, 'development');
    assert.equal(env.port, 3000);
    assert.equal(env.publicUrl, 'http://localhost:3000');
    assert.equal(env.databaseUrl, `sqlite:${path.join(DATA_DIR, 'silta.sqlite')}`);
    assert.equal(path.relative(ROOT_DIR, env.databaseUrl.slice('sqlite:'.length)), path.join('data', 'silta.sqlite'));
    assert.equal(env.devPlatform, true);
    assert.equal(env.devPlatformUrl, 'http://localhost:3000/dev/platform');
    assert.equal(env.trustProxy, false);
    assert.equal(env.logLevel, 'info');
    assert.equal(env.clockSkewSeconds, 5);
    assert.equal(env.idTokenMaxAgeSeconds, 60);
  });

  it('derives PUBLIC_URL from PORT and drops a trailing slash', () => {
    assert.equal(loadEnv({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
    assert.equal(loadEnv({ PUBLIC_URL: 'https://silta.example.fi/' }).publicUrl, 'https://silta.example.fi');
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadEnv({ PORT: '', PUBLIC_URL: '' }).port, 3000);
  });

  it('turns the development platform on outside production and off in production', () => {
    assert.equal(loadEnv({ NODE_ENV: 'development' }).devPlatform, true);
    assert.equal(loadEnv({ NODE_ENV: 'test' }).devPlatform, true);
    assert.equal(loadEnv({ NODE_ENV: 'development', DEV_PLATFORM: 'false' }).devPlatform, false);
    assert.equal(loadEnv(PRODUCTION).devPlatform, false);
    assert.equal(loadEnv({ ...PRODUCTION, DEV_PLATFORM: 'false' }).devPlatform, false);
  });

  it('cannot enable the development platform in production, however it is spelled', () => {
    for (const value of ['true', '1', 'yes'])
      assertOneLineNaming(configError({ ...PRODUCTION, DEV_PLATFORM: value }), 'DEV_PLATFORM');
  });

  it('requires SECRET_KEY in production', () => {
    assertOneLineNaming(configError({ NODE_ENV: 'production' }), 'SECRET_KEY');
    assertOneLineNaming(configError({ NODE_ENV: 'production', SECRET_KEY: 'too-short' }), 'SECRET_KEY');
  });

  it('names PORT when it is not a port number', () => {
    for (const value of ['abc', '-1', '1.5', '70000', '0x10', '3e3', ' ']) {
      const message = configError({ PORT: value });
      assertOneLineNaming(message, 'PORT');
      assert.ok(message.includes(`(got "${value}")`), message);
    }
    assert.equal(loadEnv({ PORT: '0' }).port, 0);
  });

  it('names PUBLIC_URL when it is not an http(s) URL', () => {
    for (const value of ['localhost:3000', 'ftp://silta.example.fi', 'not a url'])
      assertOneLineNaming(configError({ PUBLIC_URL: value }), 'PUBLIC_URL');
  });

  it('names DATABASE_URL when it is not SQLite or PostgreSQL', () => {
    for (const value of ['mysql://root@localhost/silta', 'mongodb://localhost/silta', 'silta.sqlite'])
      assertOneLineNaming(configError({ DATABASE_URL: value }), 'DATABASE_URL');
    assert.equal(
      loadEnv({ DATABASE_URL: 'postgres://silta@db:5432/silta' }).databaseUrl,
      'postgres://silta@db:5432/silta',
    );
  });

  it('names LOG_LEVEL when it is not a pino level', () => {
    assertOneLineNaming(configError({ LOG_LEVEL: 'verbose' }), 'LOG_LEVEL');
  });

  it('reads TRUST_PROXY as express does: boolean, hop count or addresses', () => {
    assert.equal(loadEnv({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadEnv({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, 'loopback, 10.0.0.0/8');
  });

  it('gives one line per bad variable when several are wrong', () => {
    const lines = configError({ PORT: 'abc', LOG_LEVEL: 'loud' }).split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines.some((l) => l.startsWith('Configuration error: PORT ')));
    assert.ok(lines.some((l) => l.startsWith('Configuration error: LOG_LEVEL ')));
  });

  it('stops the real server with PORT=abc: non-zero exit, one line naming PORT', function () {
    this.timeout(30_000);
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const result = spawnSync(tsx, ['server/index.ts'], {
      cwd: ROOT_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', PORT: 'abc' },
      encoding: 'utf8',
      timeout: 25_000,
    });
    assert.equal(result.error, undefined);
    assert.notEqual(result.status, 0);
    assert.notEqual(result.status, null, 'exited by itself');
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /\bPORT\b/);
    assert.match(lines[0], /abc/);
  });
});
