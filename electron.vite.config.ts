import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * `npm run dev` only: the dev server injects an inline React refresh script and talks over a
 * websocket, which the strict CSP in index.html refuses. Builds keep the strict policy.
 */
function devCsp(): Plugin {
  return {
    name: 'opticounter-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:*"),
  };
}

export default defineConfig({
  main: {
    build: {
      // The browser host is built beside the app's main: the benchmarks measure it as it ships
      // (bundled, under plain node), not under tsx's on-the-fly compiling.
      // check-entry: the desktop app's utility process for the start's integrity check (shell/check-launcher.ts).
      rolldownOptions: {
        input: { index: resolve('src/main/index.ts'), 'browser-host': resolve('src/main/browser-host.ts'), 'check-entry': resolve('src/main/shell/check-entry.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load modules: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // The browser host serves the same build from its root; './' keeps it working under file:// too.
    base: './',
    build: { minify: true, rolldownOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [react(), devCsp()],
  },
});
