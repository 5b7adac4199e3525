import { build } from 'esbuild';

/*
 * A benchmark script bundled as the app ships its main process (one file, no on-the-fly compiling):
 * run under tsx, the start-up figure counted tsx's own compiling of every module the opening loads
 * (the opening's longest block was 48–54 ms under tsx where the bundle holds the loop ~40 ms).
 * better-sqlite3 stays outside (a native addon), resolved from node_modules as in the app.
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
    banner: { js: "import { createRequire as benchRequire } from 'node:module'; const require = benchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}
