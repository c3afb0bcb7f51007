// The ?format=text document of a version and unified patches between two of them, applied with jsdiff in workerd.
import { applyPatch } from 'diff'
import { describe, expect, it } from 'vitest'
import { PATCH_MAX_EDIT_LENGTH, revisionText, unifiedPatch } from '../../src/revisions/revision-text'

const files = import.meta.glob<string>('../../fixtures/revisions/*/v*.txt', { query: '?raw', import: 'default', eager: true })

/** Fixture chains by slug, versions in order (v1, v2, … v10). */
const chains = new Map<string, string[]>()
for (const [path, text] of Object.entries(files).sort(([a], [b]) => versionOf(a) - versionOf(b))) {
  const slug = path.split('/').at(-2) ?? ''
  chains.set(slug, [...(chains.get(slug) ?? []), text])
}

function versionOf(path: string): number {
  return Number(/v(\d+)\.txt$/.exec(path)?.[1] ?? 0)
}

function documentOf(raw: string): string {
  const newline = raw.indexOf('\n')
  return revisionText({ title: newline === -1 ? raw : raw.slice(0, newline), summary: '', content: newline === -1 ? '' : raw.slice(newline + 1) })
}

describe('revisionText', () => {
  it.each([
    {
      name: 'headline, blank line, standfirst, then body paragraphs, ending with a newline',
      fields: { title: 'Council approves flood scheme', summary: 'Work starts in spring.', content: 'First paragraph.\n\nSecond paragraph.' },
      want: 'Council approves flood scheme\n\nWork starts in spring.\n\nFirst paragraph.\n\nSecond paragraph.\n',
    },
    {
      name: 'no standfirst',
      fields: { title: 'Headline', summary: '', content: 'Body.' },
      want: 'Headline\n\nBody.\n',
    },
    {
      name: 'a standfirst that is the first paragraph is not repeated',
      fields: { title: 'Headline', summary: 'The same opening.', content: 'The same opening.\n\nMore.' },
      want: 'Headline\n\nThe same opening.\n\nMore.\n',
    },
    {
      name: 'a truncated standfirst is not repeated',
      fields: { title: 'Headline', summary: 'Plans for new flood defences along the River\u2026', content: 'Plans for new flood defences along the River Wensum were approved.' },
      want: 'Headline\n\nPlans for new flood defences along the River Wensum were approved.\n',
    },
    {
      name: 'headline only',
      fields: { title: 'Headline', summary: '', content: '' },
      want: 'Headline\n',
    },
    {
      name: 'normalised: quotes, spaces, CRLF, extra blank lines and relative timestamps',
      fields: { title: 'A \u201cbig\u201d\n day', summary: '', content: 'Updated 5 minutes ago\r\n\r\n\r\nOne  line\r\ncontinued.\n\n\n\nTwo.' },
      want: 'A "big" day\n\nOne line\ncontinued.\n\nTwo.\n',
    },
  ])('$name', ({ fields, want }) => {
    expect(revisionText(fields)).toBe(want)
  })
})

describe('unifiedPatch', () => {
  it('has fixture chains to check', () => {
    expect(chains.size).toBeGreaterThanOrEqual(5)
  })

  it.each([...chains.entries()].map(([slug, versions]) => ({ slug, versions })))('jsdiff applyPatch reproduces every version of $slug', ({ slug, versions }) => {
    for (const texts of [versions.map(documentOf), versions]) {
      for (let i = 1; i < texts.length; i++) {
        for (const [from, to] of [[texts[i - 1] ?? '', texts[i] ?? ''], [texts[i] ?? '', texts[i - 1] ?? '']] as const) {
          const patch = unifiedPatch(from, to, `${slug}/from.txt`, `${slug}/to.txt`)
          expect(applyPatch(from, patch)).toBe(to)
        }
      }
    }
  })

  it('writes file headers and hunks, without an Index line', () => {
    const patch = unifiedPatch('Headline\n\nOld body.\n', 'Headline\n\nNew body.\n', 'abc/v1.txt', 'abc/v2.txt')
    expect(patch).toBe('--- abc/v1.txt\n+++ abc/v2.txt\n@@ -1,3 +1,3 @@\n Headline\n \n-Old body.\n+New body.\n')
  })

  it('marks a missing final newline', () => {
    const patch = unifiedPatch('Headline\n\nBody.', 'Headline\n\nBody.\n', 'a', 'b')
    expect(patch).toContain('-Body.\n\\ No newline at end of file\n+Body.\n')
    expect(applyPatch('Headline\n\nBody.', patch)).toBe('Headline\n\nBody.\n')
  })

  it('gives an empty patch for equal texts', () => {
    expect(unifiedPatch('Same.\n', 'Same.\n', 'a', 'b')).toBe('')
  })

  it('replaces the whole document in one hunk past the edit bound', () => {
    const from = Array.from({ length: PATCH_MAX_EDIT_LENGTH }, (_, i) => `old ${i}`).join('\n') + '\n'
    const to = Array.from({ length: PATCH_MAX_EDIT_LENGTH }, (_, i) => `new ${i}`).join('\n')
    const patch = unifiedPatch(from, to, 'a', 'b')
    expect(patch.match(/^@@ /gm)).toHaveLength(1)
    expect(applyPatch(from, patch)).toBe(to)
  })
})
