// Benchmark: extractArticle on 200 KB article pages, timed inside workerd (HTMLRewriter exists only there) via Miniflare.
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

export interface ExtractPageBenchResult {
  name: string
  pageBytes: number
  iterations: number
  medianMs: number
  p95Ms: number
  /** 'ok:<method>' or 'empty'. */
  outcome: string
  bodyChars: number
  /** Rise of the workerd process's peak RSS over its RSS before the case; null where /proc is unavailable. */
  peakRssDeltaMb: number | null
  /** How the times were taken: 'workerd performance.now()' or 'node round trip minus empty request'. */
  clock: string
}

export interface ExtractPageBenchOptions {
  iterations?: number
  warmup?: number
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const EXTRACTOR = fileURLToPath(new URL('../src/articles/extract-page.ts', import.meta.url))
const TARGET_PAGE_BYTES = 200 * 1024

/**
 * Runs each page case in a fresh Miniflare worker: warm-up iterations, then timed ones, each timed in the worker.
 * Local workerd advances performance.now() during CPU work (deployed Workers do not); if it does not here, each
 * iteration is timed from Node instead, minus the median round trip of an empty request.
 */
export async function runExtractPageBench(options: ExtractPageBenchOptions = {}): Promise<ExtractPageBenchResult[]> {
  const iterations = options.iterations ?? 30
  const warmup = options.warmup ?? 5
  const pages = await benchPages()
  const worker = await bundleWorker(Object.keys(pages))
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: `${ROOT}bench/.extract-page-worker.mjs`, contents: worker },
      ...Object.entries(pages).map(([name, html]) => ({ type: 'Text' as const, path: `${ROOT}bench/${name}.html`, contents: html })),
    ],
    modulesRoot: ROOT,
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
  })
  try {
    const clock = (await (await mf.dispatchFetch('http://bench/clock')).json()) as { elapsedMs: number }
    const workerClock = clock.elapsedMs > 0
    const baselineMs = workerClock ? 0 : await emptyRequestMs(mf, iterations)
    const workerdPid = findWorkerdPid()
    const results: ExtractPageBenchResult[] = []
    for (const [name, html] of Object.entries(pages)) {
      await runCase(mf, name, warmup)
      const rssBefore = workerdPid === null ? null : resetPeakRss(workerdPid)
      let times: number[]
      let last: CaseResponse
      if (workerClock) {
        last = await runCase(mf, name, iterations)
        times = last.timesMs
      } else {
        times = []
        for (let i = 0; i < iterations; i++) {
          const started = performance.now()
          last = await runCase(mf, name, 1)
          times.push(Math.max(0, performance.now() - started - baselineMs))
        }
        last = await runCase(mf, name, 1)
      }
      const peak = workerdPid === null ? null : peakRssKb(workerdPid)
      results.push({
        name,
        pageBytes: new TextEncoder().encode(html).byteLength,
        iterations,
        medianMs: percentile(times, 0.5),
        p95Ms: percentile(times, 0.95),
        outcome: last.outcome,
        bodyChars: last.bodyChars,
        peakRssDeltaMb: rssBefore === null || peak === null ? null : round((peak - rssBefore) / 1024, 1),
        clock: workerClock ? 'workerd performance.now()' : 'node round trip minus empty request',
      })
    }
    return results
  } finally {
    await mf.dispose()
  }
}

/** The results as a markdown table for bench/RESULTS.md. */
export function formatExtractPageTable(results: readonly ExtractPageBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${round(r.pageBytes / 1024, 0)} KB | ${r.iterations} | ${r.medianMs.toFixed(2)} | ${r.p95Ms.toFixed(2)} | ${r.outcome} | ${r.bodyChars} | ${r.peakRssDeltaMb ?? 'n/a'} |`,
  )
  return [
    '| page | size | runs | median ms | p95 ms | outcome | body chars | workerd peak RSS rise MB |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...rows,
    '',
    `Timed with ${results[0]?.clock ?? 'n/a'}.`,
  ].join('\n')
}

interface CaseResponse {
  timesMs: number[]
  outcome: string
  bodyChars: number
}

async function runCase(mf: Miniflare, name: string, n: number): Promise<CaseResponse> {
  const response = await mf.dispatchFetch(`http://bench/run?page=${encodeURIComponent(name)}&n=${n}`)
  if (!response.ok) throw new Error(`bench: worker answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as CaseResponse
}

async function emptyRequestMs(mf: Miniflare, n: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    await (await mf.dispatchFetch('http://bench/noop')).text()
    times.push(performance.now() - started)
  }
  return percentile(times, 0.5)
}

async function bundleWorker(pageNames: readonly string[]): Promise<string> {
  const imports = pageNames.map((name, i) => `import page${i} from './${name}.html'`).join('\n')
  const table = pageNames.map((name, i) => `${JSON.stringify(name)}: page${i}`).join(', ')
  const entry = `
import { extractArticle } from ${JSON.stringify(EXTRACTOR)}
${imports}
const PAGES = { ${table} }
export default {
  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/noop') return new Response('ok')
    if (url.pathname === '/clock') {
      const started = performance.now()
      let x = 0
      for (let i = 0; i < 20_000_000; i++) x = (x + i) % 1_000_003
      return Response.json({ elapsedMs: performance.now() - started, x })
    }
    const page = PAGES[url.searchParams.get('page')]
    if (page === undefined) return new Response('unknown page', { status: 404 })
    const n = Number(url.searchParams.get('n'))
    const timesMs = []
    let last
    for (let i = 0; i < n; i++) {
      const started = performance.now()
      last = await extractArticle(page)
      timesMs.push(performance.now() - started)
    }
    const outcome = last.kind === 'ok' ? 'ok:' + last.method : 'empty'
    return Response.json({ timesMs, outcome, bodyChars: last.kind === 'ok' ? last.body.length : 0 })
  },
}
`
  const out = await build({
    stdin: { contents: entry, resolveDir: `${ROOT}bench`, loader: 'js', sourcefile: 'extract-page-worker.js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    external: ['*.html'],
    write: false,
    logLevel: 'silent',
  })
  const file = out.outputFiles[0]
  if (file === undefined) throw new Error('bench: esbuild produced no output')
  return file.text
}

/** Bench pages built from a fixture, padded to about 200 KB the way real news pages are: scripts, menus, teasers. */
async function benchPages(): Promise<Record<string, string>> {
  const fixture = await readFile(`${ROOT}fixtures/articles/article-tag-with-related-links/v1.html`, 'utf8')
  const paragraphs = [...fixture.matchAll(/<p>([^<]{80,})<\/p>/g)].map((m) => m[1] ?? '')
  const body: string[] = []
  for (let i = 0; i < 60; i++) {
    body.push(`<p>${paragraphs[i % paragraphs.length]} (${i + 1})</p>`)
    if (i % 12 === 11) body.push(`<div class="related-links"><h2>Related</h2><ul>${teasers(4)}</ul></div>`)
    if (i % 20 === 19) body.push('<figure><img src="/i.jpg" alt=""><figcaption>Caption. Photograph: Agency</figcaption></figure>')
  }
  const article = `<article class="story"><header><h1>Rail fares frozen for a year</h1></header>${body.join('\n')}</article>`
  const menu = `<nav class="mega-menu"><ul>${Array.from({ length: 150 }, (_, i) => `<li><a href="/section/${i}">Section ${i}</a></li>`).join('')}</ul></nav>`
  const sidebar = `<aside class="most-read"><ol>${teasers(40)}</ol></aside>`
  const analytics = `<script>window.__CONFIG__ = ${JSON.stringify({ slots: Array.from({ length: 400 }, (_, i) => ({ id: `slot-${i}`, sizes: [[300, 250], [728, 90]] })) })}</script>`

  const pad = (html: string): string => {
    const filler = `<div class="footer-links"><ul>${teasers(1)}</ul></div>\n`
    let page = html
    while (page.length < TARGET_PAGE_BYTES) page = page.replace('</body>', `${filler}</body>`)
    return page
  }
  const dom = pad(
    `<!doctype html><html><head><meta charset="utf-8"><meta property="og:title" content="Rail fares frozen">${analytics}</head><body>${menu}<main>${article}${sidebar}</main></body></html>`,
  )
  const articleBody = body.filter((p) => p.startsWith('<p>')).map((p) => p.slice(3, -4)).join('\n\n')
  const jsonLd = `<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'NewsArticle', headline: 'Rail fares frozen', articleBody })}</script>`
  const withJsonLd = pad(dom.replace('</head>', `${jsonLd}</head>`))
  // The worst case the handler budget exists for: 5 MB of the smallest elements the extractor reacts to.
  const bareMarkup = `<html><body><article>${'<p>x</p>'.repeat(650_000)}</article></body></html>`
  return { 'article-dom-200kb': dom, 'article-json-ld-200kb': withJsonLd, 'bare-markup-5mb': bareMarkup }
}

function teasers(n: number): string {
  return Array.from({ length: n }, (_, i) => `<li><a href="/news/story-${i}">Council approves plan for new homes on former airfield ${i}</a></li>`).join('')
}

/** The workerd process Miniflare started: a child of this Node process. */
function findWorkerdPid(): number | null {
  try {
    const fs = process.getBuiltinModule('node:fs')
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the parenthesised command: state, ppid, …
      const close = stat.lastIndexOf(')')
      const comm = stat.slice(stat.indexOf('(') + 1, close)
      const ppid = Number(stat.slice(close + 2).split(' ')[1])
      if (comm.startsWith('workerd') && ppid === process.pid) return Number(entry)
    }
  } catch {
    // No /proc (macOS, Windows): memory is reported as n/a.
  }
  return null
}

/** Resets VmHWM to the current RSS (Linux clear_refs "5") and returns that RSS in KB. */
function resetPeakRss(pid: number): number | null {
  try {
    const fs = process.getBuiltinModule('node:fs')
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return statusKb(pid, 'VmRSS')
  } catch {
    return null
  }
}

function peakRssKb(pid: number): number | null {
  try {
    return statusKb(pid, 'VmHWM')
  } catch {
    return null
  }
}

function statusKb(pid: number, field: string): number | null {
  const status = process.getBuiltinModule('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return m?.[1] === undefined ? null : Number(m[1])
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runExtractPageBench()
  console.log(formatExtractPageTable(results))
}
