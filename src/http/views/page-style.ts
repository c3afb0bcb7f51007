// The history pages' one inline stylesheet and the Content-Security-Policy that allows exactly it (by hash).

/**
 * Inline CSS of every page. It must hold none of & < > " ' : hono/jsx escapes those in text children, and the
 * browser hashes the text as served, so an escaped character would break both the CSS and the CSP hash.
 * ins / del are underlined / struck through as well as coloured, so a diff reads without colour.
 */
export const PAGE_CSS = [
  'body{font:17px/1.55 Georgia,serif;max-width:48rem;margin:0 auto;padding:1rem 1.2rem 4rem;color:#1a1a1a;background:#fff}',
  'header.site{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;border-bottom:2px solid #1a1a1a;margin-bottom:1.2rem;font-family:system-ui,sans-serif}',
  'header.site .brand{font-weight:700;font-size:1.2rem;color:inherit;text-decoration:none}',
  'header.site form{margin-left:auto}',
  'nav a,.meta a{color:#0645ad}',
  'h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0}',
  'h2{font-size:1.25rem;line-height:1.3;margin:.3rem 0}',
  'h3{font-size:1.05rem;margin:.3rem 0}',
  '.meta,.stats,.flags,label,button,input,select,.notice,.fold summary{font-family:system-ui,sans-serif;font-size:.85rem;color:#444}',
  'ins{text-decoration:underline;text-decoration-thickness:2px;background:#d2f4d3;color:#0b3b12}',
  'del{text-decoration:line-through;text-decoration-thickness:2px;background:#fbdada;color:#6b0c0c}',
  'del+ins{margin-left:.2em}',
  'ins.pilcrow,del.pilcrow{font-family:system-ui,sans-serif;padding:0 .2em}',
  'mark.moved{background:#e6e0ff;color:#1d1145;outline:1px dashed #5b45b0}',
  '.moved-from{font-family:system-ui,sans-serif;font-size:.75rem;color:#5b45b0;border:1px dashed #5b45b0;padding:0 .3em}',
  '.badge{display:inline-block;font:600 .7rem/1.4 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.03em;border:1px solid currentColor;border-radius:3px;padding:0 .35em;margin-right:.3em;vertical-align:.1em}',
  '.badge.headline{background:#1a1a1a;color:#fff;border-color:#1a1a1a}',
  '.badge.flag{color:#8a4b00}',
  '.field{margin:1rem 0}',
  '.field h3{font-family:system-ui,sans-serif;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#555}',
  '.field p{white-space:pre-wrap;margin:.5rem 0}',
  '.field.title .text{font-size:1.35rem;font-weight:700;line-height:1.3}',
  '.field.summary .text{font-style:italic}',
  'ol.changes{list-style:none;padding:0}',
  'ol.changes li{border-bottom:1px solid #ddd;padding:.7rem 0}',
  'ol.changes li.minor{opacity:.7}',
  'ol.changes li.minor h3{font-weight:400}',
  'section.version{border-top:1px solid #bbb;margin-top:1.5rem;padding-top:.5rem}',
  '.fold{margin:.5rem 0;color:#555}',
  'form.pick{display:flex;gap:.6rem;align-items:end;flex-wrap:wrap;margin:.8rem 0}',
  'form.login{display:grid;gap:.5rem;max-width:22rem}',
  'input,select,button{font-size:1rem;padding:.3rem .5rem}',
  '.error{color:#8b0000}',
  '.pager{margin-top:1rem;font-family:system-ui,sans-serif}',
].join('\n')

let cspPromise: Promise<string> | undefined

/**
 * The Content-Security-Policy of every page: nothing may load or run (no script-src at all), the one stylesheet is
 * allowed by its SHA-256, forms post only to this origin, and no one may frame the page.
 */
export function pageCsp(): Promise<string> {
  cspPromise ??= (async () => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(PAGE_CSS))
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)))
    return `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`
  })()
  return cspPromise
}
