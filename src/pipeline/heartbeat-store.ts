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
}
