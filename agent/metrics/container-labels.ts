// cAdvisor's `container_label_<key>` labels: a container's own labels (`-l tier=web`, compose's
// com.docker.compose.service, …) on each of its container_* series, so queries, alerts and
// dashboards that select or group by them work as they do on cAdvisor. cAdvisor stores every label
// by default (--store_container_labels) or only listed ones (--whitelisted_container_labels); the
// agent's --metrics-labels is both: `all`, `none` or a list of keys.
//
// Labels are fixed when a container is created (docker's too), so a container's text is made once.

/** Which container labels become series labels: every one, or those keys (none: []). */
export type MetricsLabelSelection = 'all' | readonly string[];

const PREFIX = 'container_label_';

/** The series label for a container label key: cAdvisor's sanitizing, each character outside [a-zA-Z0-9_] becomes `_`. */
export function seriesLabelName(key: string): string {
  return PREFIX + key.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/**
 * The selected labels as `[name, value]` pairs sorted by name. Two keys spelled alike once
 * sanitized (`a.b`, `a-b`) would give a series the same label twice, for which Prometheus drops
 * the whole scrape: the first key in sort order wins (cAdvisor's pick is random). Empty values are
 * left out, as Prometheus reads an empty label as an absent one.
 */
export function seriesLabels(labels: Readonly<Record<string, string>> | undefined, selection: MetricsLabelSelection): [string, string][] {
  if (!labels) return [];
  const keys = selection === 'all' ? Object.keys(labels) : selection.filter((key) => Object.hasOwn(labels, key));
  const byName = new Map<string, string>();
  for (const key of keys.sort()) {
    const value = labels[key]!;
    const name = seriesLabelName(key);
    if (value !== '' && !byName.has(name)) byName.set(name, value);
  }
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
