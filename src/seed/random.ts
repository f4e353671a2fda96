/**
 * A small seeded pseudo-random generator for the demo data. Never Math.random: the same seed gives
 * the same sequence on every run and every machine, so the seeded rows are identical each time.
 */

/** The seed of the whole demo data set. Change it and every generated row changes. */
export const DEMO_SEED = 20261129;

/** mulberry32: a 32-bit state, period 2^32, good enough for demo data and very fast. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, for deriving an independent stream per seed part. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /**
   * An independent stream for one part of the seed ("city", "roster", …), so adding or changing
   * one part never shifts the numbers another part draws.
   */
  static stream(part: string, seed = DEMO_SEED): Random {
    return new Random((fnv1a(part) ^ seed) >>> 0);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks an item with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weight: (item: T, index: number) => number): T {
    const weights = items.map(weight);
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (!(total > 0)) throw new Error('weighted pick with no positive weight');
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  }

  /** n distinct items, uniformly, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle(items).slice(0, Math.min(n, items.length));
  }

  /**
   * n distinct items drawn without replacement with probability proportional to weight
   * (Efraimidis–Spirakis). Items of weight 0 are never drawn. Returned in draw order.
   */
  weightedSample<T>(items: readonly T[], n: number, weight: (item: T) => number): T[] {
    const keyed: { item: T; key: number; index: number }[] = [];
    items.forEach((item, index) => {
      const w = weight(item);
      const u = this.next();
      if (w > 0) keyed.push({ item, key: Math.log(1 - u) / w, index });
    });
    // Largest key first; the index breaks (practically impossible) ties deterministically.
    keyed.sort((a, b) => b.key - a.key || a.index - b.index);
    return keyed.slice(0, n).map((k) => k.item);
  }
}
