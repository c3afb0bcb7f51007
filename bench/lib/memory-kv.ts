// An in-memory Workers KV namespace for benchmarks in Node: strings in a Map, JSON parsed on read as KV does.
/// <reference path="../../worker-configuration.d.ts" />

interface Entry {
  value: string
  /** The value as KV holds it: UTF-8 bytes, decoded again on every read (text or JSON), as in workerd. */
  bytes: Uint8Array
  metadata: unknown
  expiration: number | null
}

type ValueType = 'text' | 'json' | 'arrayBuffer' | 'stream'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** Workers KV limit on keys returned by one list call. */
const MAX_LIST_LIMIT = 1000

function typeOf(option: unknown): ValueType {
  if (typeof option === 'string') return option as ValueType
  if (typeof option === 'object' && option !== null && 'type' in option) return (option as { type: ValueType }).type
  return 'text'
}

function decodeValue(entry: Entry | undefined, type: ValueType): unknown {
  if (entry === undefined) return null
  switch (type) {
    // A new string per read, as workerd gives: a reader comparing it with one it kept pays for a real comparison.
    case 'text':
      return decoder.decode(entry.bytes)
    case 'json':
      return JSON.parse(decoder.decode(entry.bytes)) as unknown
    case 'arrayBuffer':
      return entry.bytes.slice().buffer
    case 'stream':
      return new Blob([entry.value]).stream()
    default: {
      const unknownType: never = type
      throw new Error(`bench: unsupported KV value type ${String(unknownType)}`)
    }
  }
}

/**
 * KVNamespace over a Map: get (one key or many; text, json, arrayBuffer, stream), getWithMetadata, put (strings,
 * buffers; metadata; expiration), list (prefix, limit, cursor, in key order, with metadata) and delete. Values are
 * stored as UTF-8 bytes: a put pays the encoding and every read the decoding into a new string (and a JSON read
 * JSON.parse), as in workerd. Reads are immediately consistent (KV is not); the pipeline does not depend on either.
 */
export class MemoryKv {
  private readonly entries = new Map<string, Entry>()

  /** Milliseconds since epoch, for expirations; the benchmark passes its simulated clock. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Number of live keys (for reporting how much a run stored). */
  get size(): number {
    return this.entries.size
  }

  /** Total bytes of stored values (UTF-16 length, an estimate of KV storage). */
  storedChars(): number {
    let total = 0
    for (const entry of this.entries.values()) total += entry.value.length
    return total
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry && entry.expiration !== null && entry.expiration * 1000 <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  async get(key: string | string[], option?: unknown): Promise<unknown> {
    const type = typeOf(option)
    if (Array.isArray(key)) return new Map(key.map((k) => [k, decodeValue(this.live(k), type)]))
    return decodeValue(this.live(key), type)
  }

  async getWithMetadata(key: string | string[], option?: unknown): Promise<unknown> {
    const type = typeOf(option)
    const one = (k: string) => {
      const entry = this.live(k)
      return { value: decodeValue(entry, type), metadata: entry?.metadata ?? null, cacheStatus: null }
    }
    if (Array.isArray(key)) return new Map(key.map((k) => [k, one(k)]))
    return one(key)
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView | ReadableStream, options?: KVNamespacePutOptions): Promise<void> {
    let text: string
    if (typeof value === 'string') text = value
    else if (value instanceof ArrayBuffer) text = decoder.decode(value)
    else if (ArrayBuffer.isView(value)) text = decoder.decode(value)
    else text = await new Response(value).text()
    const expiration =
      options?.expiration !== undefined ? options.expiration : options?.expirationTtl !== undefined ? Math.floor(this.now() / 1000) + options.expirationTtl : null
    // Metadata is serialised by KV too: store a copy, as a later mutation of the caller's object must not show.
    const metadata = options?.metadata === undefined || options.metadata === null ? null : (JSON.parse(JSON.stringify(options.metadata)) as unknown)
    this.entries.set(key, { value: text, bytes: encoder.encode(text), metadata, expiration })
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key)
  }

  async list(options: KVNamespaceListOptions = {}): Promise<KVNamespaceListResult<unknown, string>> {
    const prefix = options.prefix ?? ''
    const limit = Math.min(options.limit ?? MAX_LIST_LIMIT, MAX_LIST_LIMIT)
    const after = options.cursor ? decoder.decode(Uint8Array.from(atob(options.cursor), (c) => c.charCodeAt(0))) : null
    const names = [...this.entries.keys()].filter((k) => k.startsWith(prefix) && (after === null || k > after)).sort()
    const page = names.slice(0, limit).filter((k) => this.live(k) !== undefined)
    const keys = page.map((name) => {
      const entry = this.entries.get(name) as Entry
      return {
        name,
        ...(entry.expiration !== null ? { expiration: entry.expiration } : {}),
        ...(entry.metadata !== null ? { metadata: entry.metadata } : {}),
      }
    })
    const last = names[limit - 1]
    if (names.length > limit && last !== undefined) {
      return { keys, list_complete: false, cursor: btoa(String.fromCharCode(...encoder.encode(last))), cacheStatus: null }
    }
    return { keys, list_complete: true, cacheStatus: null }
  }

  /** This store typed as the binding the Worker sees. */
  asBinding(): KVNamespace {
    return this as unknown as KVNamespace
  }
}
