import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { translator } from '../../server/i18n';
import { LaunchSession, UserRegion } from '../../server/store/models';
import { adminAgent } from '../admin/admin-fixtures';
import { openBoard, placeBoard } from '../board/board-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { errorSummaryOf, fieldMessageOf } from './form-page';

// NUL ends an SQL statement on SQLite ("unrecognized token") and is refused in text and JSON by
// PostgreSQL: run this file on both (DATABASE_URL set for PostgreSQL).
describe('control characters in typed or launched text are cleaned or refused, never a 500', () => {
  let t: TestSilta;
  let admin: supertest.Agent;
  before(async () => {
    t = await testSilta();
    admin = await adminAgent(t);
  });

  it('a custom launch parameter `region` with a NUL is cleaned: the launch opens the board', async () => {
    const link = placeBoard(t);
    const lt = await openBoard(t, link, 'developer', { region: '\u0000pirkan\u0007maa' });
    const stored = await LaunchSession.findByPk(lt);
    assert.equal((JSON.parse(stored!.custom ?? '{}') as Record<string, string>).region, 'pirkanmaa');
    const board = await t.request().get(`/board?lt=${lt}`).expect(200);
    assert.ok(board.text.length > 0);
  });

  it('a custom `region` that is still no region code after cleaning asks for the region', async () => {
    const lt = await openBoard(t, placeBoard(t), 'developer', { region: "x\u0000'; DROP TABLE regions; --" });
    // The suite shares its database: forget a region this persona chose in another test.
    await UserRegion.destroy({ where: { userId: (await LaunchSession.findByPk(lt))!.userId } });
    const answer = await t.request().get(`/board?lt=${lt}`).expect(303);
    assert.match(answer.headers.location as string, /^\/board\/region\?lt=/);
  });

  for (const [field, value] of [
    ['q', 'Vir\u0000tanen'],
    ['sub', 'abc\u0000'],
    ['issuer', 'https://moodle.example.fi/\u0001'],
  ] as const) {
    it(`the admin people search refuses a control character in "${field}" with a 400 naming the field`, async () => {
      const params = new URLSearchParams(
        field === 'q'
          ? { q: value }
          : { issuer: field === 'issuer' ? value : 'https://moodle.example.fi', sub: field === 'sub' ? value : '42' },
      );
      const page = await admin.get(`/admin/people?${params}`).set('accept-language', 'en').expect(400);
      const en = translator('en');
      const message = en('forms.control_characters', { field: en(`admin.people.fields.${field}`) });
      assert.deepEqual(errorSummaryOf(page.text), [{ href: `#${field}`, text: message }]);
      assert.equal(fieldMessageOf(page.text, field), message);
    });
  }
});
