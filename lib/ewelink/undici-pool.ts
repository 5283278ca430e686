/**
 * undici's connection pool and its `request` call, loaded from their own modules instead of
 * undici's index. The index also loads fetch, WebSocket, caches and mocks (half a megabyte
 * bundled), which costs a Lambda cold start about 65 ms for nothing this client uses.
 * undici is pinned to an exact version in package.json, so these paths do not move under us;
 * test/ewelink covers the pool end to end.
 */
import type { Dispatcher, Pool as PoolType } from 'undici';
// @ts-expect-error: undici ships no typings for its internal modules; typed below
import PoolModule from 'undici/lib/dispatcher/pool.js';
// @ts-expect-error: as above
import requestModule from 'undici/lib/api/api-request.js';

export const Pool = PoolModule as typeof PoolType;

/** `pool.request(options)`, as undici's index attaches it to every dispatcher. */
export function poolRequest(pool: PoolType, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return (requestModule as (this: PoolType, o: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>).call(pool, options);
}
