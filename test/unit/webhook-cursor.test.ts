// The dispatcher cursor over newest-first alert keys (webhook-cursor.ts): new keys, late keys, the window.
import { describe, expect, it } from 'vitest'
import { LOOKBACK_MS, advanceCursor, newAlertKeys, scanStopKey } from '../../src/delivery/webhook-cursor'
import { KEYS } from '../../src/storage/keys'

const T = Date.UTC(2030, 0, 1, 12)
const key = (offsetMs: number, id: string): string => KEYS.alertIndex(new Date(T + offsetMs).toISOString(), id)

describe('the dispatch cursor', () => {
  it('treats every listed key as new without a cursor, oldest first', () => {
    const listed = [key(2000, 'rev_b'), key(1000, 'rev_a')]
    expect(newAlertKeys(listed, null)).toEqual([key(1000, 'rev_a'), key(2000, 'rev_b')])
  })

  it('skips processed keys but picks up a late key older than the newest processed one', () => {
    const cursor = advanceCursor(null, [key(1000, 'rev_a'), key(5000, 'rev_c')])
    const listed = [key(9000, 'rev_d'), key(5000, 'rev_c'), key(3000, 'rev_late'), key(1000, 'rev_a')]
    expect(newAlertKeys(listed, cursor)).toEqual([key(3000, 'rev_late'), key(9000, 'rev_d')])
  })

  it('writes nothing when nothing was processed', () => {
    expect(advanceCursor(null, [])).toBeNull()
  })

  it('forgets keys older than the look-back window and stops the scan at it', () => {
    const cursor = advanceCursor(null, [key(0, 'rev_old'), key(LOOKBACK_MS + 1000, 'rev_new')])
    expect(cursor?.recent).toEqual([key(LOOKBACK_MS + 1000, 'rev_new')])
    expect(cursor?.newestAt).toBe(new Date(T + LOOKBACK_MS + 1000).toISOString())
    const stop = scanStopKey(cursor, new Date(0).toISOString())
    expect(key(1000, 'rev_x') <= stop).toBe(true)
    expect(key(999, 'rev_x') > stop).toBe(true)
  })

  it('never scans alerts older than the oldest endpoint', () => {
    const stop = scanStopKey(null, new Date(T).toISOString())
    expect(key(0, 'rev_at_creation') <= stop).toBe(true)
    expect(key(-1, 'rev_before') > stop).toBe(true)
  })
})
