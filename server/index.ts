import http from 'node:http';
import { bootSilta } from './boot';
import { ConfigError, loadEnv, type Env } from './env';
import { createLogger } from './logger';

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
  const logger = createLogger(env.logLevel);
  const silta = await bootSilta(env, logger);
  const server = http.createServer(silta.app);
  const realtime = await silta.attach(server);
  server.listen(env.port, () => {
    logger.info({ port: env.port }, 'Silta is listening');
    console.log(`\nSilta is running at ${env.publicUrl}/`);
    if (silta.devPlatform) console.log(`Launch it from the development platform: ${env.devPlatformUrl}/\n`);
  });
  const stop = () => {
    server.close(() => silta.close().finally(() => process.exit(0)));
    // Open sockets would hold server.close() back: disconnect them now.
    void realtime.close();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error('Silta could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
