// A fixed-capacity buffer that overwrites its oldest item, so the page's memory stays bounded
// however long it stays open (one ring per series, per container).
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity: expected a positive integer, got ${String(capacity)}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number { return this.count; }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** 0 is the oldest item; negative indexes count from the newest (-1). */
  at(index: number): T | undefined {
    const i = index < 0 ? this.count + index : index;
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  last(): T | undefined { return this.at(-1); }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  /** Replaces the content with the newest `capacity` items of `items` (oldest first). */
  reset(items: readonly T[]): void {
    this.clear();
    for (const item of items.slice(-this.capacity)) this.push(item);
  }

  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.start + i) % this.capacity] as T;
  }
}
