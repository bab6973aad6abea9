// Container ids and docker-style generated names. Pure functions: the caller owns the set of
// names in use, so uniqueness is decided in one place (runtime.ts) and holds under concurrency.
import { randomBytes, randomInt } from 'node:crypto';

const ADJECTIVES = [
  'admiring', 'adoring', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy',
  'charming', 'clever', 'compassionate', 'competent', 'confident', 'cool', 'dazzling', 'determined', 'eager',
  'ecstatic', 'elastic', 'elated', 'elegant', 'epic', 'fervent', 'focused', 'friendly', 'gallant', 'gifted',
  'goofy', 'gracious', 'happy', 'hopeful', 'infallible', 'inspiring', 'jolly', 'jovial', 'keen', 'kind',
  'laughing', 'loving', 'lucid', 'magical', 'modest', 'musing', 'nifty', 'nostalgic', 'objective', 'optimistic',
  'peaceful', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'relaxed', 'reverent', 'romantic',
  'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'sweet', 'tender', 'thirsty', 'trusting', 'upbeat',
  'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful', 'youthful', 'zealous', 'zen',
];

const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bell', 'bhabha', 'blackwell',
  'bohr', 'booth', 'borg', 'bose', 'brahmagupta', 'brattain', 'carson', 'cerf', 'chandrasekhar', 'curie',
  'darwin', 'davinci', 'dijkstra', 'einstein', 'elion', 'engelbart', 'euclid', 'euler', 'faraday', 'fermat',
  'fermi', 'feynman', 'franklin', 'galileo', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg',
  'hermann', 'hodgkin', 'hopper', 'hypatia', 'jennings', 'kepler', 'khorana', 'knuth', 'kowalevski', 'lalande',
  'lamport', 'leakey', 'lovelace', 'lumiere', 'mayer', 'mccarthy', 'meitner', 'mendel', 'minsky', 'morse',
  'napier', 'newton', 'nobel', 'noether', 'pascal', 'pasteur', 'perlman', 'pike', 'poincare', 'ritchie',
  'shannon', 'shockley', 'stallman', 'swartz', 'tesla', 'thompson', 'torvalds', 'turing', 'wilson', 'wozniak',
];

/** 64 lower-case hex characters, like Docker's container ids. */
export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function isFullId(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** A name not in `inUse`: "adjective_surname", with a digit appended after a collision (Docker's scheme). */
export function generateName(inUse: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${pick(ADJECTIVES)}_${pick(SURNAMES)}`;
    const name = attempt === 0 ? base : `${base}${randomInt(attempt * 10)}`;
    if (!inUse(name)) return name;
  }
}

function pick(words: readonly string[]): string {
  return words[randomInt(words.length)]!;
}
