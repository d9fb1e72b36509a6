import { ConfigError, loadEnv, type Env } from './env';
import { createLogger } from './logger';
import { shortLines } from './log-format';
import { serve } from './ops/serve';

async function main() {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Short lines for a developer's terminal (LOG_FORMAT=json keeps JSON); JSON in production.
  const logger = createLogger(
    env.logLevel,
    env.nodeEnv === 'development' && process.env.LOG_FORMAT !== 'json' ? shortLines() : undefined,
  );
  const { silta } = await serve(env, logger);
  logger.info({ port: env.port }, 'Silta is listening');
  console.log(`\nSilta is running at ${env.publicUrl}/`);
  if (silta.devPlatform) console.log(`Launch it from the development platform: ${env.devPlatformUrl}/\n`);
}

main().catch((error) => {
  console.error('Silta could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
