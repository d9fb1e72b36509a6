import assert from 'node:assert/strict';
import { cellEstimateRem, noteEstimateRem } from '../../server/domain/session-ui/wall-estimate';

// Issue 17 (decision 0029): the height a lane or cell of the wall is given until the browser has
// drawn it, from the notes it holds.
describe('Wall height estimates', () => {
  const note = (text: string, hasBadges = false) => ({ text, hasBadges });

  it('grows a note with its lines of text, up to the six lines it shows, and with its badge row', () => {
    const short = noteEstimateRem(note('Lyhyt'));
    const twoLines = noteEstimateRem(note('Kela: ammatillinen kuntoutus'));
    assert.ok(twoLines > short);
    assert.equal(
      noteEstimateRem(note('x'.repeat(2000))),
      noteEstimateRem(note('x'.repeat(6 * 22))),
      'clamped at six lines',
    );
    assert.ok(noteEstimateRem(note('Lyhyt\nrivi')) > short, 'a line break starts a line');
    assert.ok(noteEstimateRem(note('Lyhyt', true)) > short, 'badges take a row');
  });

  it('gives an empty cell its min-height and a cell the sum of its notes, in whole rem', () => {
    assert.equal(cellEstimateRem([]), 4);
    const notes = [note('Lyhyt'), note('Seuranta kolmen kuukauden päästä ja uusi arvio tarvittaessa', true)];
    const cell = cellEstimateRem(notes);
    assert.ok(Number.isInteger(cell));
    assert.ok(cell >= notes.reduce((sum, n) => sum + noteEstimateRem(n), 0));
  });
});
