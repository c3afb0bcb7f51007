// Tests for the signed unsubscribe token: it round-trips and cannot be forged, altered or borrowed from a cursor.
import { describe, expect, it } from 'vitest'
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../src/delivery/unsubscribe-token'
import { signCursor } from '../../src/core/cursor'

const SECRET = 'api-token-1'
const ID = 'ds_0123456789abcdef'

function toBase64Url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

describe('unsubscribe tokens', () => {
  it('verifies a token it signed and yields the subscription id', async () => {
    expect(await verifyUnsubscribeToken(await signUnsubscribeToken(ID, SECRET), SECRET)).toBe(ID)
  })

  it.each([
    { name: 'a token signed with another API token', make: async () => signUnsubscribeToken(ID, 'another-token') },
    {
      name: 'a payload swapped for another subscription under the old signature',
      make: async () => {
        const [, sig] = (await signUnsubscribeToken(ID, SECRET)).split('.')
        return `${toBase64Url(JSON.stringify({ p: 'digest-unsubscribe', s: 'ds_fedcba9876543210' }))}.${sig}`
      },
    },
    { name: 'an unsigned payload', make: async () => `${toBase64Url(JSON.stringify({ p: 'digest-unsubscribe', s: ID }))}.` },
    { name: 'a pagination cursor signed with the API token', make: async () => signCursor({ p: 'digest-unsubscribe', s: ID }, SECRET) },
    { name: 'an empty token', make: async () => '' },
    { name: 'garbage', make: async () => 'not.a.token' },
    {
      name: 'a flipped signature bit',
      make: async () => {
        const token = await signUnsubscribeToken(ID, SECRET)
        const last = token.at(-1) === 'A' ? 'B' : 'A'
        return token.slice(0, -1) + last
      },
    },
  ])('refuses $name', async ({ make }) => {
    expect(await verifyUnsubscribeToken(await make(), SECRET)).toBeNull()
  })
})
