import assert from 'node:assert/strict';
import type { ModulePack } from '../../server/domain/modules/content-pack';
import { publishVersion } from '../../server/domain/modules/versions/module-versions.service';
import { GradeOutbox, LaunchSession, ModuleAttempt } from '../../server/store/models';
import { launchSession } from '../helpers/launch';
import { rightAnswer } from '../helpers/modules';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { packSource, uniqueSlug } from './version-fixtures';

const COURSE = '3';

describe('module versions: attempts are pinned to the version they started on', () => {
  let t: TestSilta;
  let slug: string;
  let v1: ModulePack;
  let v2: ModulePack;
  let linkId: string;
  let checkIndex: number;

  before(async () => {
    t = await testSilta();
    slug = uniqueSlug('pinned');
    v1 = await publishVersion({
      sequelize: t.silta.sequelize,
      slug,
      source: packSource(slug, '1.0.0'),
      origin: 'upload',
      publishedBy: 'test',
    });
    checkIndex = v1.steps.findIndex((s) => s.kind === 'knowledge-check');
    const link = t.devPlatform.placeGradedLink(
      { courseId: COURSE, title: v1.title.fi, custom: { target: 'module', module: slug } },
      { scoreMaximum: v1.scoreMaximum },
    );
    linkId = link.id;
  });

  const open = (persona: 'trainee' | 'developer' | 'teacher', locale = 'sv') =>
    launchSession(t, { persona, courseId: COURSE, resourceLinkId: linkId, locale });
  const form = (lt: string, attempt: number, fields: [string, string][]) =>
    new URLSearchParams([['lt', lt], ['attempt', String(attempt)], ...fields]).toString();

  it('finishes an attempt started on version 1 on version 1, with its grade, after version 2 is published', async () => {
    const { lt } = await open('trainee');
    await t.request().get(`/modules?lt=${lt}`).expect(200);
    const session = (await LaunchSession.findByPk(lt))!;
    const attempt = (await ModuleAttempt.findOne({
      where: { userId: session.userId, resourceLinkId: session.resourceLinkId! },
    }))!;
    assert.equal(attempt.moduleVersion, '1.0.0');
    const [first, ...rest] = v1.steps;
    await t
      .request()
      .post(`/modules/steps/${first.id}`)
      .type('form')
      .send(form(lt, attempt.id, rightAnswer(first)))
      .expect(303);

    // Version 2 swaps the right answer of the first question and renames the module in Swedish.
    v2 = await publishVersion({
      sequelize: t.silta.sequelize,
      slug,
      origin: 'console',
      publishedBy: 'test',
      source: packSource(slug, '2.0.0', (doc) => {
        doc.setIn(['title', 'sv'], 'Servicekedjan, version två');
        doc.setIn(['steps', checkIndex, 'questions', 0, 'options', 0, 'correct'], true);
        doc.setIn(['steps', checkIndex, 'questions', 0, 'options', 1, 'correct'], false);
      }),
    });
    assert.notDeepEqual(rightAnswer(v2.steps[checkIndex]), rightAnswer(v1.steps[checkIndex]));

    // The trainee mid-attempt still sees version 1 and is graded by its answer key.
    const overview = await t.request().get(`/modules?lt=${lt}`).expect(200);
    assert.ok(overview.text.includes(v1.title.sv));
    assert.ok(!overview.text.includes('Servicekedjan, version två'));
    for (const step of rest)
      await t
        .request()
        .post(`/modules/steps/${step.id}`)
        .type('form')
        .send(form(lt, attempt.id, rightAnswer(step)))
        .expect(303);
    await t
      .request()
      .post('/modules/complete')
      .type('form')
      .send(form(lt, attempt.id, []))
      .expect(303);
    await attempt.reload();
    assert.equal(attempt.status, 'completed');
    assert.equal(attempt.moduleVersion, '1.0.0');
    assert.equal(attempt.scorePercent, 100);
    const grade = await GradeOutbox.findOne({ where: { attemptId: attempt.id } });
    assert.equal(grade?.scoreGiven, v1.scoreMaximum);
  });

  it('starts new attempts on the current version, and the teacher sees each attempt’s version', async () => {
    const { lt } = await open('developer');
    const overview = await t.request().get(`/modules?lt=${lt}`).expect(200);
    assert.ok(overview.text.includes('Servicekedjan, version två'));
    const session = (await LaunchSession.findByPk(lt))!;
    const attempt = (await ModuleAttempt.findOne({
      where: { userId: session.userId, resourceLinkId: session.resourceLinkId! },
    }))!;
    assert.equal(attempt.moduleVersion, '2.0.0');
    // Answering version 1's key on version 2 is no longer right.
    for (const step of v2.steps)
      await t
        .request()
        .post(`/modules/steps/${step.id}`)
        .type('form')
        .send(
          form(
            lt,
            attempt.id,
            rightAnswer(
              step.kind === 'knowledge-check' && step.id === v2.steps[checkIndex].id ? v1.steps[checkIndex] : step,
            ),
          ),
        )
        .expect(303);
    await t
      .request()
      .post('/modules/complete')
      .type('form')
      .send(form(lt, attempt.id, []))
      .expect(303);
    await attempt.reload();
    assert.ok(attempt.scorePercent! < 100, `score ${attempt.scorePercent}`);

    const teacher = await open('teacher', 'en');
    const progress = await t.request().get(`/modules/progress?lt=${teacher.lt}`).expect(200);
    assert.match(progress.text, /\(version 1\.0\.0\)/);
    assert.match(progress.text, /\(version 2\.0\.0\)/);
  });

  it('shows the current version in the deep-link catalogue', async () => {
    const { location } = await launchSession(t, {
      persona: 'teacher',
      courseId: COURSE,
      locale: 'en',
      messageType: 'LtiDeepLinkingRequest',
    });
    const picker = await t.request().get(location).expect(200);
    const item = new RegExp(`id="item-module-${slug}-text"[^>]*>[^<]*Version 2\\.0\\.0\\.`);
    assert.match(picker.text, item);
  });
});
