// /proc/<pid>/net/dev is the container's own network namespace view. Parsed per interface; lo
// stays in the sample (the dashboard may show it) and is left out of cAdvisor series by metrics/.
import type { InterfaceSample } from './types.js';

const enum Col { rxBytes, rxPackets, rxErrors, rxDropped, txBytes = 8, txPackets, txErrors, txDropped }

/**
 * Parses the text of /proc/<pid>/net/dev. Hand-scanned (no split/regex per line): the sampler
 * calls it for every container every tick.
 */
export function parseNetDev(text: string): InterfaceSample[] {
  const out: InterfaceSample[] = [];
  const fields = new Array<number>(16);
  let pos = skipLine(text, skipLine(text, 0)); // two header lines
  while (pos < text.length) {
    const colon = text.indexOf(':', pos);
    const eol = lineEnd(text, pos);
    if (colon < 0 || colon > eol) { pos = eol + 1; continue; } // not an interface line
    const name = text.slice(pos, colon).trim();
    let p = colon + 1;
    let count = 0;
    while (count < 16 && p < eol) {
      while (p < eol && text.charCodeAt(p) === 32) p++;
      if (p >= eol) break;
      let value = 0;
      while (p < eol) {
        const c = text.charCodeAt(p) - 48;
        if (c < 0 || c > 9) break;
        value = value * 10 + c;
        p++;
      }
      fields[count++] = value;
      while (p < eol && text.charCodeAt(p) !== 32) p++; // tolerate junk inside a column
    }
    if (count === 16) out.push(toInterface(name, fields));
    pos = eol + 1;
  }
  return out;
}

function toInterface(name: string, f: number[]): InterfaceSample {
  return {
    name,
    rxBytes: f[Col.rxBytes], rxPackets: f[Col.rxPackets], rxErrors: f[Col.rxErrors], rxDropped: f[Col.rxDropped],
    txBytes: f[Col.txBytes], txPackets: f[Col.txPackets], txErrors: f[Col.txErrors], txDropped: f[Col.txDropped],
  };
}

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

function skipLine(text: string, from: number): number { return lineEnd(text, from) + 1; }
