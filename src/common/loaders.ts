import DataLoader from 'dataloader';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

const loaders = new WeakMap<Context, Map<string, DataLoader<unknown, unknown>>>();

/**
 * A DataLoader that lives as long as the request (context) and is shared by every resolver that
 * asks for it by name, so a list of N items costs one batched query instead of N.
 */
export function requestLoader<K, V>(
  ctx: Context,
  name: string,
  batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
): DataLoader<K, V> {
  let byName = loaders.get(ctx);
  if (!byName) {
    byName = new Map();
    loaders.set(ctx, byName);
  }
  let loader = byName.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch);
    byName.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Memoises a lookup per request, so a list of fields sharing a rule asks the database once. */
export function cached<T>(ctx: Context, key: string, load: () => Promise<T>): Promise<T> {
  const cache = (ctx.authCache ??= new Map());
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key) as Promise<T>;
}

/** Forgets the request's loaders and memos, so what is read next is read afresh. */
export function resetRequestCaches(ctx: Context): void {
  loaders.delete(ctx);
  ctx.authCache?.clear();
}

/**
 * A subscription keeps one context for all its events, so a loader or memo filled while one
 * event was resolved would answer the next with old rows (counts that go backwards, a shift still
 * public after it filled). Each event is resolved with fresh ones: the caches are dropped as each
 * result leaves, before the next event is executed.
 */
export function useFreshCachesPerEvent(): Plugin<Context> {
  return {
    onSubscribe: () => ({
      onSubscribeResult: ({ args }) => ({
        onNext: () => resetRequestCaches(args.contextValue as Context),
      }),
    }),
  };
}
