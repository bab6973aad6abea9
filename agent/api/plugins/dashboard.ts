// Serves the dashboard bundle (dist/dashboard, built by `npm install`) at `/`. The files are read
// once at start: a handful of small static files, no directory traversal possible.
import type { FastifyInstance } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

export interface DashboardPluginOptions { dir: string }

export async function dashboardPlugin(app: FastifyInstance, opts: DashboardPluginOptions): Promise<void> {
  const files = new Map<string, { body: Buffer; type: string }>();
  let names: string[] = [];
  try {
    names = readdirSync(opts.dir);
  } catch (err) {
    app.log.warn({ err, dir: opts.dir }, 'dashboard bundle not found; run `npm run build`');
  }
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: readFileSync(join(opts.dir, name)), type });
  }
  const index = files.get('/index.html');
  app.get('/', (_req, reply) => {
    if (!index) return reply.code(503).type('text/plain').send('dashboard not built: run `npm run build`\n');
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
  for (const [path, file] of files) {
    if (path === '/index.html') continue;
    app.get(path, (_req, reply) => reply.type(file.type).header('cache-control', 'no-cache').send(file.body));
  }
}
