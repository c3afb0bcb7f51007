// StoryStore's registry: one parse per text in an isolate, frozen shared records, the same bytes as JSON.stringify.
import { beforeEach, describe, expect, it } from 'vitest'
import { env, reset } from 'cloudflare:test'
import seedText from '../../fixtures/stories/grooming-gangs-inquiry/seed.txt?raw'
import horizonSeed from '../../fixtures/stories/post-office-horizon/seed.txt?raw'
import { registryText, StoryStore, type StoryRecord } from '../../src/stories/story-store'
import { adaptProfile } from '../../src/stories/adapt-profile'
import { KEYS } from '../../src/storage/keys'
import { RECORD_AT, storyRecord } from '../support/story-records'

const AT = RECORD_AT

function record(id: string, title: string, seed: string): StoryRecord {
  return storyRecord(id, title, seed, { keywords: ['inquiry'], counts: { matches: 2, alerts: 1, feedbackRelevant: 0, feedbackIrrelevant: 0 } })
}

const stories = (): StoryRecord[] => [record('grooming', 'Grooming gangs national inquiry', seedText), record('horizon', 'Post Office Horizon scandal', horizonSeed)]

beforeEach(async () => {
  await reset()
})

describe('StoryStore registry', () => {
  it('writes exactly what JSON.stringify writes, before and after its profiles are frozen', async () => {
    const list = stories()
    const expected = JSON.stringify({ version: 1, stories: list })
    expect(registryText(list)).toBe(expected)
    await new StoryStore(env.STORE).save(list)
    expect(await env.STORE.get(KEYS.storyRegistry())).toBe(expected)
    expect(registryText(list)).toBe(expected)
  })

  it('leaves out of the text what JSON.stringify leaves out', () => {
    const odd = { ...stories()[0], extra: undefined } as unknown as StoryRecord
    expect(registryText([odd])).toBe(JSON.stringify({ version: 1, stories: [odd] }))
  })

  it('answers a registry text it has already read with the same frozen records, and parses a changed one', async () => {
    await env.STORE.put(KEYS.storyRegistry(), JSON.stringify({ version: 1, stories: stories() }))
    const store = new StoryStore(env.STORE)
    const first = await store.list()
    const second = await store.list()
    expect(second).not.toBe(first)
    expect(second?.[0]).toBe(first?.[0])
    expect(second?.[0]?.profile).toBe(first?.[0]?.profile)
    expect(Object.isFrozen(first?.[0])).toBe(true)
    expect(Object.isFrozen(first?.[0]?.profile.terms[0])).toBe(true)
    expect(() => {
      ;(first?.[0]?.counts as { matches: number }).matches++
    }).toThrow(TypeError)

    const changed = stories()
    changed[1] = { ...record('horizon', 'Horizon', horizonSeed) }
    await env.STORE.put(KEYS.storyRegistry(), JSON.stringify({ version: 1, stories: changed }))
    const third = await store.list()
    expect(third?.[0]).not.toBe(first?.[0])
    expect(third?.[1]?.title).toBe('Horizon')
  })

  it('gives back the records it saved when the text read is the one it wrote', async () => {
    const store = new StoryStore(env.STORE)
    const list = stories()
    const first = list[0]
    if (first === undefined) throw new Error('no story')
    list[0] = { ...first, profile: adaptProfile(first.profile, { title: 'Casey audit', text: 'The Casey audit of grooming gangs.' }, { now: Date.parse(AT), relevant: true }) }
    await store.save(list)
    const read = await store.list()
    expect(read?.[0]).toBe(list[0])
    expect(read?.[0]?.profile).toBe(list[0]?.profile)
    expect(read).toEqual(JSON.parse(JSON.stringify(list)))
  })

  it('parses the text again after saving a record that JSON would not give back as it is', async () => {
    const store = new StoryStore(env.STORE)
    const list = stories()
    const first = list[0]
    if (first === undefined) throw new Error('no story')
    list[0] = { ...first, profile: { ...first.profile, reference: Number.NaN } }
    await store.save(list)
    const read = await store.list()
    expect(read?.[0]).not.toBe(list[0])
    expect(read?.[0]?.profile.reference).toBeNull()
  })

  it('reads null when the registry was never written', async () => {
    expect(await new StoryStore(env.STORE).list()).toBeNull()
  })
})
