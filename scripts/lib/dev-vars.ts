// Reads and bootstraps `.dev.vars`, the dotenv-style file wrangler dev loads local secrets from.
import { copyFile, constants, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What `ensureDevVars` did: nothing (the file was there) or a copy of the example. */
export type DevVarsOutcome = 'present' | 'created'

/**
 * Copies `.dev.vars.example` to `.dev.vars` in `root` unless `.dev.vars` already exists.
 * Never overwrites: a developer's own token survives every run.
 */
export async function ensureDevVars(root: string): Promise<DevVarsOutcome> {
  try {
    // COPYFILE_EXCL makes "exists?" and "copy" one atomic step, so two npm scripts racing cannot clobber each other.
    await copyFile(join(root, '.dev.vars.example'), join(root, '.dev.vars'), constants.COPYFILE_EXCL)
    return 'created'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'present'
    throw error
  }
}

/** Parses dotenv-style text (`KEY=value`, `#` comments, optional surrounding quotes) into a record. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    const [, key, rawValue = ''] = match
    if (key === undefined) continue
    const quoted = /^(['"])(.*)\1$/.exec(rawValue)
    vars[key] = quoted ? (quoted[2] ?? '') : rawValue
  }
  return vars
}

/** Reads one variable from `<root>/.dev.vars`; throws naming the file when it is missing or empty. */
export async function readDevVar(root: string, name: string): Promise<string> {
  const path = join(root, '.dev.vars')
  const value = parseDevVars(await readFile(path, 'utf8'))[name]
  if (!value) throw new Error(`dev-vars: ${name} is not set in ${path}`)
  return value
}
