// Signal names and numbers as users type them: "TERM", "SIGTERM", "15" all mean the same.
import { constants } from 'node:os';
import { BerthError } from '../errors.js';

const SIGNALS = constants.signals as Record<string, number>;

export interface Signal { name: NodeJS.Signals; number: number }

export function parseSignal(input: string | number, field = 'signal'): Signal {
  const text = String(input).trim().toUpperCase();
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    const name = signalName(number);
    if (SIGNALS[name] !== undefined) return { name: name as NodeJS.Signals, number };
  } else {
    const name = text.startsWith('SIG') ? text : `SIG${text}`;
    const number = SIGNALS[name];
    if (number !== undefined) return { name: name as NodeJS.Signals, number };
  }
  throw new BerthError('INVALID_REQUEST', `${field}: unknown signal ${JSON.stringify(String(input))}`, { field });
}

/** "SIGKILL" for 9; a number Node has no name for (a real-time signal) as "SIG<n>". */
export function signalName(number: number): string {
  return Object.keys(SIGNALS).find((n) => SIGNALS[n] === number) ?? `SIG${number}`;
}
