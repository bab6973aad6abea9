// A container's recent log lines through the agent's read-only HTTP API (same origin as the page).
export const LOG_TAIL = 100;

export function logsUrl(id: string, tail = LOG_TAIL): string {
  return `/v1/containers/${encodeURIComponent(id)}/logs?tail=${tail}&timestamps=true`;
}

/** Resolves to the log text; rejects with an error naming the URL and the agent's message. */
export async function fetchLogs(id: string, tail = LOG_TAIL, signal?: AbortSignal): Promise<string> {
  const url = logsUrl(id, tail);
  const res = await fetch(url, { signal, headers: { accept: 'text/plain' } });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message += `: ${body.error.message}`;
    } catch { /* not JSON: the status says enough */ }
    throw new Error(`GET ${url}: ${message}`);
  }
  return res.text();
}
