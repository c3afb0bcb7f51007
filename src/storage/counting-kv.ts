// A KV binding wrapper that counts operations, so each tick can report what it cost.

export interface KvCounts {
  reads: number
  writes: number
  deletes: number
  lists: number
}

const READS = new Set(['get', 'getWithMetadata'])

/** Wraps `kv` so that every get, put, delete and list is counted in the returned `counts` (mutated live). */
export function countingKv(kv: KVNamespace): { kv: KVNamespace; counts: KvCounts } {
  const counts: KvCounts = { reads: 0, writes: 0, deletes: 0, lists: 0 }
  const wrapped = new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (typeof prop === 'string') {
          // A batched get of n keys is n reads on the bill.
          if (READS.has(prop)) counts.reads += Array.isArray(args[0]) ? args[0].length : 1
          else if (prop === 'put') counts.writes++
          else if (prop === 'delete') counts.deletes++
          else if (prop === 'list') counts.lists++
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { kv: wrapped, counts }
}
