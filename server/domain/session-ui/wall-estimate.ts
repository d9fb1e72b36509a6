/**
 * How tall a lane or cell of the wall will be before the browser has drawn it, in rem at the
 * wall's own size (before its zoom). The browser skips lanes and cells out of view
 * (`content-visibility: auto`, decision 0026) and sizes a skipped box by this estimate until it
 * has drawn it once (then it keeps the real size), so a close estimate keeps the scrollbar and
 * the rows from jumping while someone pans (decision 0029). Measured on the wall at 1280 px: a
 * line of note text holds about 22 characters and is 1.3rem high; a note adds 1.1rem of padding
 * and gap, its badge row 1.3rem; a cell's padding and "Add a note" take 2.5rem.
 */
const CHARACTERS_PER_LINE = 22;
const LINE_REM = 1.3;
const NOTE_REM = 1.1;
const BADGES_REM = 1.3;
const CELL_REM = 2.5;
/** The note text shows at most this many lines (its line clamp in session.css). */
const MAX_LINES = 6;
/** A cell is never lower than its min-height (4rem). */
const MIN_CELL_REM = 4;

/** One note's estimated height with its gap, in rem. */
export function noteEstimateRem(note: { text: string; hasBadges: boolean }): number {
  const lines = note.text
    .split('\n')
    .reduce((sum, paragraph) => sum + Math.max(1, Math.ceil(paragraph.length / CHARACTERS_PER_LINE)), 0);
  return NOTE_REM + Math.min(MAX_LINES, lines) * LINE_REM + (note.hasBadges ? BADGES_REM : 0);
}

/** A cell's estimated height for its notes, in whole rem. */
export function cellEstimateRem(notes: { text: string; hasBadges: boolean }[]): number {
  return Math.ceil(Math.max(MIN_CELL_REM, CELL_REM + notes.reduce((sum, n) => sum + noteEstimateRem(n), 0)));
}
