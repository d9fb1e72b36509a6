/**
 * The length of a text as a reader counts it: user-perceived characters (grapheme clusters), so
 * an emoji, a flag or an "ä" written as a + combining mark is one. Shared by the server's check
 * and the browser's counter (public/src/reflection-counter.ts), so both always agree. Leading
 * and trailing white space does not count, as the server stores the text trimmed.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function textLength(text: string): number {
  let count = 0;
  for (const segment of segmenter.segment(text.trim())) {
    void segment;
    count++;
  }
  return count;
}
