// Loads the staged demo feeds of fixtures/demo/ and renders their time and address placeholders.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** A revision the demo must see raised in a stage: the article's URL and the field that changed. */
export interface ExpectedRevision {
  url: string
  field: 'title' | 'summary' | 'content'
}

/**
 * A story follow-up the demo must see raised in a stage: one alert for the story whose article is `url` (the first
 * report), listing exactly the `alsoReportedBy` URLs (the other outlets' copies of the same development).
 */
export interface ExpectedFollowUp {
  story: string
  url: string
  alsoReportedBy: string[]
}

/** What one stage must produce. `quiet`: new articles that must raise no alert of any kind (hard negatives). */
export interface DemoStage {
  name: string
  newArticles: number
  revisions: ExpectedRevision[]
  followUps: ExpectedFollowUp[]
  quiet: string[]
}

/** fixtures/demo/stages.json: the feeds to register and what each stage must produce. */
export interface DemoManifest {
  feeds: { file: string; title: string }[]
  stages: DemoStage[]
}

/** The manifest plus, for each stage, every feed's template text (carried over from earlier stages when unchanged). */
export interface DemoFixtures {
  manifest: DemoManifest
  /** stageTemplates[i] maps feed file name to its raw template in stage i + 1. */
  stageTemplates: Map<string, string>[]
}

/** Reads `<dir>/stages.json` and `<dir>/stage-N/*.xml`; throws when a stage lacks a feed the manifest names. */
export async function loadDemoFixtures(dir: string): Promise<DemoFixtures> {
  const manifest = parseManifest(JSON.parse(await readFile(join(dir, 'stages.json'), 'utf8')))
  const stageTemplates: Map<string, string>[] = []
  let previous = new Map<string, string>()
  for (let stage = 1; stage <= manifest.stages.length; stage++) {
    const current = new Map(previous)
    const stageDir = join(dir, `stage-${stage}`)
    for (const file of await readdir(stageDir)) {
      if (file.endsWith('.xml')) current.set(file, await readFile(join(stageDir, file), 'utf8'))
    }
    for (const feed of manifest.feeds) {
      if (!current.has(feed.file)) throw new Error(`demo-fixtures: stage ${stage} has no ${feed.file}`)
    }
    stageTemplates.push(current)
    previous = current
  }
  return { manifest, stageTemplates }
}

/** Checks the shape of stages.json; a stage may leave out `followUps` and `quiet` (none expected). */
export function parseManifest(value: unknown): DemoManifest {
  const manifest = value as { feeds?: unknown; stages?: unknown }
  if (!Array.isArray(manifest.feeds) || !Array.isArray(manifest.stages) || manifest.stages.length === 0) {
    throw new Error('demo-fixtures: stages.json needs non-empty "feeds" and "stages" arrays')
  }
  const stages = manifest.stages.map((raw: Partial<DemoStage>, index): DemoStage => {
    const where = `demo-fixtures: stages.json stage ${index + 1}`
    if (typeof raw.name !== 'string' || typeof raw.newArticles !== 'number' || !Array.isArray(raw.revisions)) {
      throw new Error(`${where} needs "name", "newArticles" and "revisions"`)
    }
    const followUps = raw.followUps ?? []
    const quiet = raw.quiet ?? []
    if (!Array.isArray(followUps) || !Array.isArray(quiet)) throw new Error(`${where}: "followUps" and "quiet" must be arrays`)
    for (const f of followUps) {
      if (typeof f?.story !== 'string' || typeof f.url !== 'string' || !Array.isArray(f.alsoReportedBy)) {
        throw new Error(`${where}: every follow-up needs "story", "url" and "alsoReportedBy" (an array, possibly empty)`)
      }
    }
    return { name: raw.name, newArticles: raw.newArticles, revisions: raw.revisions, followUps, quiet }
  })
  return { feeds: manifest.feeds as DemoManifest['feeds'], stages }
}

/** What placeholders resolve against: the demo's first tick time and the fixture server's address. */
export interface RenderContext {
  baseTime: Date
  baseUrl: string
}

/**
 * Replaces `{{base}}` with the server address and `{{rfc822:±N[mh]}}` / `{{iso:±N[mh]}}` with
 * `baseTime` shifted by N minutes or hours. Dates are relative so that the items are always fresh:
 * a feed reader rightly ignores or down-ranks items dated years ago.
 */
export function renderFixture(template: string, context: RenderContext): string {
  return template.replace(/\{\{(base|rfc822|iso)(?::([+-]\d+)([mh]))?\}\}/g, (whole, kind: string, amount?: string, unit?: string) => {
    if (kind === 'base') return context.baseUrl
    if (amount === undefined || unit === undefined) throw new Error(`demo-fixtures: ${whole} needs an offset like :-15m`)
    const offsetMs = Number(amount) * (unit === 'h' ? 3_600_000 : 60_000)
    const at = new Date(context.baseTime.getTime() + offsetMs)
    // RFC 822 dates in RSS 2.0; RFC 3339 in Atom (RFC 4287 section 3.3).
    return kind === 'rfc822' ? at.toUTCString().replace('GMT', '+0000') : at.toISOString().replace(/\.\d{3}Z$/, 'Z')
  })
}
