// Content negotiation for a response berth can send gzip-compressed (GET /metrics): whether the
// request's Accept-Encoding (RFC 9110 §12.5.3) takes gzip. Prometheus sends `gzip` on every scrape
// unless the scrape config says `enable_compression: false`; curl sends nothing unless asked.

/** True when the header accepts gzip: listed (or as `x-gzip`) with q > 0, or not listed while `*` has q > 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false; // no header: the client did not ask, and identity is what every client reads
  let gzip: number | undefined;
  let any: number | undefined;
  for (const item of header.split(',')) {
    const [coding = '', ...params] = item.split(';').map((p) => p.trim().toLowerCase());
    const q = qValue(params);
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

/** The weight among a coding's parameters: 1 when absent; 0 when malformed, so a broken header never gets gzip. */
function qValue(params: string[]): number {
  const q = params.find((p) => /^q\s*=/.test(p));
  if (q === undefined) return 1;
  const value = q.slice(q.indexOf('=') + 1).trim();
  return /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : 0;
}
