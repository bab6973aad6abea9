// gzip of a scrape's bytes, for scrapers that ask for it (Prometheus does, on every scrape): at 1000
// containers a scrape is ~15 MiB of text, ~0.8 MiB compressed.
import { createGzip } from 'node:zlib';

/**
 * zlib's fastest level. Measured at 1000 synthetic containers (test/bench/render.ts): 15.4 MiB to
 * 816 KiB in ~25 ms; zlib's default level 6 makes 778 KiB in ~60 ms.
 */
export const GZIP_LEVEL = 1;

/** Parts are big (1 MiB): fewer, bigger output chunks than zlib's default of 16 KiB. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The gzip of the parts one after another, compressed on libuv's thread pool, so the event loop
 * (the sampler's ticks, other requests) goes on meanwhile. The parts are read until it resolves.
 */
export function gzipParts(parts: readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: CHUNK_BYTES });
    const out: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => out.push(chunk));
    gzip.once('end', () => resolve(Buffer.concat(out)));
    gzip.once('error', reject);
    for (const part of parts) gzip.write(part);
    gzip.end();
  });
}
