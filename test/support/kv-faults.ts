// KV bindings that fail on purpose, to prove a step's writes are ordered so that a crash loses nothing.

/** A KV binding that throws once, on the first put whose key starts with `prefix`: a crash at exactly that point. */
export function crashOnFirstPut(kv: KVNamespace, prefix: string): KVNamespace {
  let crashed = false
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (prop === 'put' && !crashed && typeof args[0] === 'string' && args[0].startsWith(prefix)) {
          crashed = true
          throw new Error(`injected crash before writing ${args[0]}`)
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}
