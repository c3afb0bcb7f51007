// Signed pagination cursors.
import { describe, expect, it } from 'vitest'
import { signCursor, verifyCursor } from '../../src/core/cursor'

describe('cursors', () => {
  it('round-trips a payload signed with the same secret', async () => {
    const c = await signCursor({ r: 'alerts', k: 'kv-cursor-123' }, 's3cret')
    expect(await verifyCursor(c, 's3cret')).toEqual({ r: 'alerts', k: 'kv-cursor-123' })
  })

  it('rejects a cursor signed with another secret', async () => {
    const c = await signCursor({ r: 'alerts', k: 'x' }, 'one')
    expect(await verifyCursor(c, 'two')).toBeNull()
  })

  it('rejects a cursor whose payload was edited', async () => {
    const c = await signCursor({ r: 'alerts', k: 'x' }, 's')
    const [, sig] = c.split('.')
    const forged = `${btoa(JSON.stringify({ r: 'alerts', k: 'article:secret' })).replace(/=+$/, '')}.${sig}`
    expect(await verifyCursor(forged, 's')).toBeNull()
  })

  it.each(['', 'garbage', 'a.b.c', '!!!.???', 'e30.AAAA'])('rejects the malformed cursor %j', async (c) => {
    expect(await verifyCursor(c, 's')).toBeNull()
  })
})
