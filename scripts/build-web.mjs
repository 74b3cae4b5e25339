// Builds the console's front end (src/console/web) into dist/web: one bundled script, its stylesheet and page.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const out = 'dist/web';
await mkdir(out, { recursive: true });
await build({
  entryPoints: ['src/console/web/main.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: `${out}/app.js`,
  logLevel: 'warning',
  legalComments: 'none',
});
await copyFile('src/console/web/index.html', `${out}/index.html`);
await copyFile('src/console/web/app.css', `${out}/app.css`);
