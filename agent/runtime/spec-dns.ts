// Validation of what a container's /etc/hosts and /etc/resolv.conf get beyond the defaults
// (etc-files.ts): docker's --add-host, --dns, --dns-search and --dns-option.
import { isIP } from 'node:net';
import { array, invalid, join, nonEmptyString, shown } from './spec-check.js';

/** A host name as /etc/hosts takes it: dot-separated labels of letters, digits, '-' and '_'. */
const HOST_NAME = /^[a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/;
const DOMAIN = /^[a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?\.?$/;

/**
 * docker's ExtraHosts: "NAME:IP" (split at the first ':', so "db:::1" is IPv6) or "NAME=IP"; an
 * IPv6 address may be bracketed. Normalised to "NAME:IP". docker's magic "host-gateway" is the
 * bridge's gateway, which berth (networks none and host) has none of.
 */
export function validateExtraHosts(value: unknown, field: string): string[] {
  return array(value, field).map((v, i) => {
    const f = join(field, i);
    const entry = nonEmptyString(v, f);
    const sep = entry.includes('=') ? entry.indexOf('=') : entry.indexOf(':');
    if (sep < 0) throw invalid(f, `must be NAME:IP, e.g. db:10.0.0.5, got ${shown(entry)}`);
    const name = entry.slice(0, sep);
    const ip = entry.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
    if (!HOST_NAME.test(name) || name.length > 253) throw invalid(f, `${shown(name)} is not a host name`);
    if (ip === 'host-gateway') throw invalid(f, 'host-gateway is the gateway of a bridge network; berth has none (networks none and host)');
    if (!isIP(ip)) throw invalid(f, `${shown(ip)} is not an IPv4 or IPv6 address`);
    return `${name}:${ip}`;
  });
}

export function validateDnsServers(value: unknown, field: string): string[] {
  return array(value, field).map((v, i) => {
    const ip = nonEmptyString(v, join(field, i));
    if (!isIP(ip)) throw invalid(join(field, i), `${shown(ip)} is not an IPv4 or IPv6 address`);
    return ip;
  });
}

/** Search domains; docker's "." alone means none (not even the host's). */
export function validateDnsSearch(value: unknown, field: string): string[] {
  const list = array(value, field).map((v, i) => {
    const domain = nonEmptyString(v, join(field, i));
    if (domain !== '.' && (!DOMAIN.test(domain) || domain.length > 253)) throw invalid(join(field, i), `${shown(domain)} is not a domain name`);
    return domain;
  });
  if (list.includes('.') && list.length > 1) throw invalid(field, '"." (no search domains) goes alone');
  return list;
}

/** resolv.conf options, e.g. "ndots:2", "timeout:1", "edns0": one word each. */
export function validateDnsOptions(value: unknown, field: string): string[] {
  return array(value, field).map((v, i) => {
    const option = nonEmptyString(v, join(field, i));
    if (/\s/.test(option)) throw invalid(join(field, i), `${shown(option)} must be one word, e.g. ndots:2`);
    return option;
  });
}
