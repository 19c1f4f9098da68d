// Bundles the console into dist/: index.html, app.js, app.css.
// Type checking is done separately by `tsc --noEmit` (see package.json).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
// --dev: readable output with an inline source map.
const dev = process.argv.includes('--dev');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { app: join(root, 'src/main.ts') },
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  outdir: dist,
  logLevel: 'warning',
});

await build({
  entryPoints: { app: join(root, 'src/app.css') },
  bundle: true,
  minify: !dev,
  outdir: dist,
  logLevel: 'warning',
});

copyFileSync(join(root, 'index.html'), join(dist, 'index.html'));
console.log('built', dist);
