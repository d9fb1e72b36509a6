#!/usr/bin/env -S node --max-old-space-size=1024
/**
 * `silta`: the one command-line entry for running Silta in production, from dist/ (no dev
 * dependencies): `silta start`, `silta admin create`, `silta platform invite|add|list`,
 * `silta user export|erase`. Each subcommand is the same tool `npm run admin:*` etc. run.
 */
const TOOLS: Record<string, string> = { admin: './admin', platform: './platform', user: './user' };

const USAGE = `Usage: silta <command>

  silta start                         start the server (configuration from the environment)
  silta admin create <username>       create an admin account for the console
  silta platform invite|add|list      register learning platforms
  silta user export|erase ...         a person's data (GDPR)

Each tool prints its own help when run without arguments.`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'start') {
  require('../server/index');
} else if (command && Object.hasOwn(TOOLS, command)) {
  // The tools read their own arguments from process.argv, as when run on their own.
  process.argv = [process.argv[0], process.argv[1], ...rest];
  require(TOOLS[command]);
} else {
  console.log(USAGE);
  process.exitCode = command && command !== 'help' && command !== '--help' ? 2 : 0;
}
