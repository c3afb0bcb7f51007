// Sentence and paragraph splitting of English news prose.
import { describe, expect, it } from 'vitest'
import { splitParagraphs, splitSentences } from '../../src/revisions/sentences'

describe('splitSentences', () => {
  it.each([
    { name: 'two plain sentences', text: 'The vote was held on Tuesday. It passed easily.', want: ['The vote was held on Tuesday.', 'It passed easily.'] },
    { name: 'titles before names', text: 'Mr Smith met Mrs. Jones, Ms. Lee and Dr. Patel. Prof. Khan chaired.', want: ['Mr Smith met Mrs. Jones, Ms. Lee and Dr. Patel.', 'Prof. Khan chaired.'] },
    { name: 'police and military ranks', text: 'Det. Insp. Ray Cole and Supt. Jo Hart spoke. Lt. Col. Ames and Sgt. Brown did not.', want: ['Det. Insp. Ray Cole and Supt. Jo Hart spoke.', 'Lt. Col. Ames and Sgt. Brown did not.'] },
    { name: 'clergy, councillors and saints', text: 'Rev. Ann Hale and Cllr. Tom Bird visited St. Mary\u2019s. Sir. Ian Ray and Gen. Moss followed.', want: ['Rev. Ann Hale and Cllr. Tom Bird visited St. Mary\u2019s.', 'Sir. Ian Ray and Gen. Moss followed.'] },
    { name: 'MP is not an abbreviation', text: 'The bill was backed by the local MP. He said it was overdue.', want: ['The bill was backed by the local MP.', 'He said it was overdue.'] },
    { name: 'No. before a number', text: 'He arrived at No. 10 at noon. No. The answer was no.', want: ['He arrived at No. 10 at noon.', 'No.', 'The answer was no.'] },
    { name: 'vs., e.g., i.e. and etc.', text: 'It was Leeds vs. Hull, e.g. a derby, i.e. Sunday. Fans brought flags, scarves etc. and drums. Police etc. The end.', want: ['It was Leeds vs. Hull, e.g. a derby, i.e. Sunday.', 'Fans brought flags, scarves etc. and drums.', 'Police etc.', 'The end.'] },
    { name: 'initialisms mid-sentence and at the end', text: 'The U.K. and U.S. governments agreed. Talks moved to the U.S. They resume at 9 a.m. on Monday.', want: ['The U.K. and U.S. governments agreed.', 'Talks moved to the U.S.', 'They resume at 9 a.m. on Monday.'] },
    { name: 'single initials in names', text: 'J. K. Rowling and George W. Bush were named. The list ends there.', want: ['J. K. Rowling and George W. Bush were named.', 'The list ends there.'] },
    { name: 'decimals and money', text: 'Profits rose 3.5% to \u00a34.2m. Shares rose 1.25p, or 0.4%.', want: ['Profits rose 3.5% to \u00a34.2m.', 'Shares rose 1.25p, or 0.4%.'] },
    { name: 'quote closing after the full stop', text: '"It is over." She left the room.', want: ['"It is over."', 'She left the room.'] },
    { name: 'quote then said', text: '\u201cWe will not resign,\u201d he said. \u201cNot today.\u201d', want: ['\u201cWe will not resign,\u201d he said.', '\u201cNot today.\u201d'] },
    { name: 'ellipsis, full stop and quote', text: '"The regulars would never forgive me\u2026." She laughed.', want: ['"The regulars would never forgive me\u2026."', 'She laughed.'] },
    { name: 'question mark inside a quote before he asked', text: '"Why now?" he asked. "Because." Then silence!', want: ['"Why now?" he asked.', '"Because."', 'Then silence!'] },
    { name: 'ellipsis mid-sentence and at the end', text: 'It was ... unexpected. Then the lights went out... Nobody moved.', want: ['It was ... unexpected.', 'Then the lights went out...', 'Nobody moved.'] },
    { name: 'bracket after the full stop', text: 'The figure was revised (see below.) Officials declined to comment.', want: ['The figure was revised (see below.)', 'Officials declined to comment.'] },
    { name: 'web addresses', text: 'Details are at gov.uk. Applications close on Friday.', want: ['Details are at gov.uk.', 'Applications close on Friday.'] },
    { name: 'a line break inside a paragraph', text: 'By Jane Smith\nPolitical editor', want: ['By Jane Smith', 'Political editor'] },
    { name: 'no final punctuation', text: 'Live updates follow', want: ['Live updates follow'] },
    { name: 'whitespace collapsed', text: '  Two   spaces.\u00a0Then  more. ', want: ['Two spaces.', 'Then more.'] },
    { name: 'empty', text: '   ', want: [] },
  ])('$name', ({ text, want }) => {
    expect(splitSentences(text)).toEqual(want)
  })
})

describe('splitParagraphs', () => {
  it.each([
    { name: 'blank-line separated', body: 'One.\n\nTwo.', want: ['One.', 'Two.'] },
    { name: 'several blank lines and spaces', body: '\n\nOne.\n \n\n  Two.  \n', want: ['One.', 'Two.'] },
    { name: 'CRLF', body: 'One.\r\n\r\nTwo.', want: ['One.', 'Two.'] },
    { name: 'a single line break keeps the paragraph', body: 'One\nstill one.\n\nTwo.', want: ['One\nstill one.', 'Two.'] },
    { name: 'empty', body: '', want: [] },
  ])('$name', ({ body, want }) => {
    expect(splitParagraphs(body)).toEqual(want)
  })
})
