import type { SearchHit } from './search-queries';

// Private-use characters mark matches inside ts_headline's output; they are taken out again,
// so a body's own characters (markup included) are never mistaken for a highlight.
const START = '\uE000';
const STOP = '\uE001';
export const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * ts_headline's output with its markers taken out, as text and [start, end) ranges. Markup in
 * a body is left out by the parser, so a snippet never carries tags; whitespace runs collapse.
 */
export function highlighted(marked: string): SearchHit['snippet'] {
  const highlights: Array<[number, number]> = [];
  let text = '';
  let start = -1;
  for (const char of marked) {
    if (char === START) start = text.length;
    else if (char === STOP) {
      if (start >= 0) highlights.push([start, text.length]);
      start = -1;
    } else if (!(/\s/.test(char) && /\s$/.test(text))) text += char;
  }
  return { text: text.trim(), highlights };
}
