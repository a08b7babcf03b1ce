/** A minimal static file server for the browser tests: node:http on 127.0.0.1, a free port chosen by the OS. */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
};

export interface StaticServer {
  /** Base URL ending in '/', e.g. http://127.0.0.1:39123/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the files under `root` (GET only; '/' is index.html; paths escaping root get 403).
 * @example
 * const server = await serveStatic('packages/playground/dist');
 * await page.goto(server.url);
 * await server.close();
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const base = path.resolve(root);
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(base, path.normalize(pathname === '/' ? '/index.html' : pathname));
    if (req.method !== 'GET' || !file.startsWith(base + path.sep)) {
      res.writeHead(req.method !== 'GET' ? 405 : 403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve, reject) => {
      // Browsers keep connections alive; drop them so close() returns at once.
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}
