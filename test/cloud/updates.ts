import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { HttpError, type Route } from './http';

/*
 * The update feed electron-updater's generic provider reads: `GET /updates/<platform>/<file>` from
 * `<updatesDir>/<platform>/<file>`. Exactly two plain path segments, and the resolved path must stay
 * inside the dir, so neither `..` nor an encoded slash reaches another file.
 */

const TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export function updateRoutes(updatesDir: string | undefined): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/updates\/([^/]+)\/([^/]+)$/,
      access: 'open',
      async handle(ctx) {
        const [platform, file] = ctx.params as [string, string];
        const notFound = new HttpError(404, `Cannot GET ${ctx.url.pathname}`);
        if (!updatesDir || ![platform, file].every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) throw notFound;
        const root = resolve(updatesDir);
        const path = join(root, platform, file);
        if (!path.startsWith(root + sep)) throw notFound;
        const info = await stat(path).catch(() => null);
        if (!info?.isFile()) throw notFound;
        return {
          status: 200,
          body: await readFile(path),
          headers: { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' },
        };
      },
    },
  ];
}
