// Checks fixtures/demo/stages.json against the staged feeds, so the demo's expectations cannot drift from its data.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { loadDemoFixtures, parseManifest, renderFixture } from '../lib/demo-fixtures.ts'

const DEMO_DIR = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url))
const context = { baseTime: new Date('2026-05-07T21:00:00Z'), baseUrl: 'http://127.0.0.1:4000' }

interface FixtureItem {
  url: string
  title: string
  summary: string
  content: string
}

/** Just enough XML reading for our own fixtures: RSS <item> and Atom <entry> fields. */
function items(xml: string): FixtureItem[] {
  const field = (block: string, pattern: RegExp): string => pattern.exec(block)?.[1]?.trim() ?? ''
  return [...xml.matchAll(/<(item|entry)>([\s\S]*?)<\/\1>/g)].map(([, kind, block = '']) => ({
    url: kind === 'item' ? field(block, /<link>([^<]*)<\/link>/) : field(block, /<link rel="alternate"[^>]*href="([^"]+)"/),
    title: field(block, /<title>([\s\S]*?)<\/title>/),
    summary: field(block, kind === 'item' ? /<description>([\s\S]*?)<\/description>/ : /<summary>([\s\S]*?)<\/summary>/),
    content: field(block, kind === 'item' ? /<content:encoded>([\s\S]*?)<\/content:encoded>/ : /<content[^>]*>([\s\S]*?)<\/content>/),
  }))
}

describe('fixtures/demo', async () => {
  const { manifest, stageTemplates } = await loadDemoFixtures(DEMO_DIR)
  const stageItems = stageTemplates.map((templates) => [...templates.values()].flatMap((text) => items(renderFixture(text, context))))

  it('has a feed of each format the demo shows: RSS 2.0 with content:encoded, and Atom', () => {
    const first = stageTemplates[0]
    assert.ok(first)
    const texts = manifest.feeds.map((feed) => first.get(feed.file) ?? '')
    assert.ok(texts.some((t) => t.includes('<rss version="2.0"') && t.includes('<content:encoded>')))
    assert.ok(texts.some((t) => t.includes('<feed xmlns="http://www.w3.org/2005/Atom"')))
  })

  it('renders every placeholder', () => {
    for (const templates of stageTemplates) {
      for (const text of templates.values()) assert.doesNotMatch(renderFixture(text, context), /\{\{|\}\}/)
    }
  })

  it('gives every item a unique URL within a stage', () => {
    for (const list of stageItems) assert.equal(new Set(list.map((i) => i.url)).size, list.length)
  })

  manifest.stages.forEach((stage, index) => {
    it(`stage ${index + 1} adds exactly the ${stage.newArticles} new article(s) stages.json promises`, () => {
      const before = new Set((stageItems[index - 1] ?? []).map((i) => i.url))
      const added = (stageItems[index] ?? []).filter((i) => !before.has(i.url))
      assert.equal(added.length, stage.newArticles)
    })

    it(`stage ${index + 1} edits exactly the fields stages.json names, and nothing else`, () => {
      if (index === 0) return assert.deepEqual(stage.revisions, [])
      const previous = new Map((stageItems[index - 1] ?? []).map((i) => [i.url, i]))
      const edits: string[] = []
      for (const item of stageItems[index] ?? []) {
        const old = previous.get(item.url)
        if (!old) continue
        for (const field of ['title', 'summary', 'content'] as const) if (old[field] !== item[field]) edits.push(`${item.url} ${field}`)
      }
      assert.deepEqual(edits, stage.revisions.map((r) => `${r.url} ${r.field}`))
    })

    it(`stage ${index + 1} brings every follow-up, every other outlet's copy and every hard negative as a new item`, () => {
      const before = new Set((stageItems[index - 1] ?? []).map((i) => i.url))
      const added = new Set((stageItems[index] ?? []).filter((i) => !before.has(i.url)).map((i) => i.url))
      const named = [...stage.followUps.flatMap((f) => [f.url, ...f.alsoReportedBy]), ...stage.quiet]
      for (const url of named) assert.ok(added.has(url), `${url} is not a new item of stage ${index + 1}`)
    })

    it(`stage ${index + 1} dates each follow-up's first report before the other outlets' copies`, () => {
      // The Worker treats the earliest report of a development as its first; alsoReportedBy lists the rest.
      const published = new Map((stageTemplates[index] ? [...stageTemplates[index].values()] : []).flatMap((text) => publishedDates(renderFixture(text, context))))
      for (const followUp of stage.followUps) {
        const first = published.get(followUp.url)
        assert.ok(first !== undefined, `no date for ${followUp.url}`)
        for (const other of followUp.alsoReportedBy) assert.ok((published.get(other) ?? 0) > first, `${other} is not dated after ${followUp.url}`)
      }
    })
  })

  it('has at least one follow-up reported by two outlets, one hard negative, and no follow-up in stage 1', () => {
    // A feed's first poll is its back catalogue: recorded, never alerted, so follow-ups must come later.
    assert.deepEqual(manifest.stages[0]?.followUps, [])
    assert.ok(manifest.stages.some((stage) => stage.followUps.some((f) => f.alsoReportedBy.length > 0)))
    assert.ok(manifest.stages.some((stage) => stage.quiet.length > 0))
  })
})

/** Publication time (ms) of every item of a rendered feed, by URL: RSS pubDate or Atom published. */
function publishedDates(xml: string): [string, number][] {
  return [...xml.matchAll(/<(item|entry)>([\s\S]*?)<\/\1>/g)].map(([, kind, block = '']) => {
    const url = (kind === 'item' ? /<link>([^<]*)<\/link>/ : /<link rel="alternate"[^>]*href="([^"]+)"/).exec(block)?.[1] ?? ''
    const date = (kind === 'item' ? /<pubDate>([^<]*)<\/pubDate>/ : /<published>([^<]*)<\/published>/).exec(block)?.[1] ?? ''
    return [url, Date.parse(date)]
  })
}

describe('parseManifest', () => {
  it('treats a stage without followUps or quiet as expecting none', () => {
    const manifest = parseManifest({ feeds: [{ file: 'a.xml', title: 'A' }], stages: [{ name: 's', newArticles: 1, revisions: [] }] })
    assert.deepEqual(manifest.stages[0], { name: 's', newArticles: 1, revisions: [], followUps: [], quiet: [] })
  })

  it('rejects a follow-up without its alsoReportedBy list', () => {
    const stages = [{ name: 's', newArticles: 1, revisions: [], followUps: [{ story: 'x', url: 'https://n.example/a' }] }]
    assert.throws(() => parseManifest({ feeds: [], stages }), /alsoReportedBy/)
  })
})

describe('renderFixture', () => {
  it('renders RSS dates as RFC 822 and Atom dates as RFC 3339, relative to the base time', () => {
    assert.equal(renderFixture('{{rfc822:-90m}}|{{iso:+2h}}|{{base}}/a.xml', context), 'Thu, 07 May 2026 19:30:00 +0000|2026-05-07T23:00:00Z|http://127.0.0.1:4000/a.xml')
  })

  it('rejects a date placeholder without an offset', () => {
    assert.throws(() => renderFixture('{{iso}}', context), /needs an offset/)
  })
})
