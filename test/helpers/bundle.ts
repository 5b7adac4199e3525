import { build } from 'esbuild';

/*
 * A script of the core bundled as the app ships its main process: one file, no on-the-fly compiling.
 * Under tsx, a start counted tsx's own compiling of every module the opening loads (the bench's
 * opening: longest block 48–54 ms under tsx, ~40 ms bundled; a browser host started in 1.6–4 s, not
 * 0.5–0.7). better-sqlite3 stays outside (a native addon), resolved from node_modules as in the app.
 */
export async function bundled(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    // The bundled CommonJS code's require(), in an ES module.
    banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}
