// HeartbeatStore: the last tick's summary, the one key every tick writes.
import type { TickSummary } from './tick-summary'
import { KEYS } from '../storage/keys'
import { getJson, putJson } from '../storage/kv-json'

export class HeartbeatStore {
  constructor(private readonly kv: KVNamespace) {}

  /** The last tick's summary, or null before the first tick. */
  async read(): Promise<TickSummary | null> {
    return getJson<TickSummary>(this.kv, KEYS.lastTick())
  }

  async write(summary: TickSummary): Promise<void> {
    await putJson(this.kv, KEYS.lastTick(), summary)
  }

  /** Where the bounded tick's rotation resumes (0 before the bounds ever bit). */
  async readCursor(): Promise<number> {
    const value = await getJson<{ position: number }>(this.kv, KEYS.tickCursor())
    return value?.position ?? 0
  }

  async writeCursor(position: number): Promise<void> {
    await putJson(this.kv, KEYS.tickCursor(), { position })
  }
}
