// Typed JSON get/put over one KV binding; the stores build on it.

/** Reads a JSON value; null when the key is absent. Corrupt JSON throws (it is a bug, not an expected state). */
export async function getJson<T>(kv: KVNamespace, key: string): Promise<T | null> {
  const value = await kv.get<T>(key, 'json')
  return value ?? null
}

export async function putJson(kv: KVNamespace, key: string, value: unknown, options?: KVNamespacePutOptions): Promise<void> {
  await kv.put(key, JSON.stringify(value), options)
}
