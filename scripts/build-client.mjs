// Bundles the browser scripts (public/src/*.ts) into public/js/.
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';

const entries = readdirSync('public/src')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `public/src/${f}`);
mkdirSync('public/js', { recursive: true });
if (entries.length) {
  await build({
    entryPoints: entries,
    bundle: true,
    minify: true,
    sourcemap: true,
    outdir: 'public/js',
    target: ['es2020'],
    format: 'iife',
    logLevel: 'warning',
  });
}
