// Serialises async work per key inside one invocation (e.g. two feeds of one tick carrying the same article).

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** Runs `fn` after every earlier `run` with the same key has settled; different keys run concurrently. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const current = previous.then(fn, fn)
    const tail = current.catch(() => undefined)
    this.tails.set(key, tail)
    try {
      return await current
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
