import assert from 'node:assert/strict';
import { strToU8, zipSync } from 'fflate';
import type supertest from 'supertest';
import { ModuleRecord, ModuleVersion } from '../../server/store/module-version-models';
import { adminAgent, csrfOf } from '../admin/admin-fixtures';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { packSource, uniqueSlug } from './version-fixtures';
import type { PackSource } from '../../server/domain/modules/versions/pack-source';

const zipOf = (slug: string, source: PackSource, extra: Record<string, Uint8Array> = {}) =>
  Buffer.from(
    zipSync({
      ...Object.fromEntries(Object.entries(source).map(([name, text]) => [`${slug}/${name}`, strToU8(text)])),
      ...extra,
    }),
  );

describe('admin console: uploading a module pack, history, diff, rollback and export', () => {
  let t: TestSilta;
  let agent: supertest.Agent;
  before(async () => {
    t = await testSilta();
    agent = await adminAgent(t);
  });

  const upload = async (file: Buffer, name = 'pack.zip') => {
    const token = await csrfOf(agent, '/admin/content');
    return agent
      .post('/admin/content/upload')
      .set('accept-language', 'en')
      .field('_csrf', token)
      .attach('pack', file, name);
  };
  const versionsOf = (slug: string) => ModuleVersion.count({ where: { moduleSlug: slug } });

  it('publishes a new module from a zip, and a higher version of it; lists it with its history', async () => {
    const slug = uniqueSlug('uploaded');
    const first = await upload(zipOf(slug, packSource(slug, '1.0.0')));
    assert.equal(first.status, 303, first.text.slice(0, 500));
    assert.equal((await ModuleRecord.findByPk(slug))?.currentVersion, '1.0.0');
    const second = await upload(
      zipOf(
        slug,
        packSource(slug, '1.1.0', (doc) => doc.setIn(['title', 'sv'], 'Nytt namn')),
      ),
    );
    assert.equal(second.status, 303);
    const page = await agent.get(`/admin/content/${slug}`).set('accept-language', 'en').expect(200);
    assert.match(page.text, /1\.1\.0 <span class="small">\(current\)/);
    assert.match(page.text, /Uploaded pack/);

    const diff = await agent
      .get(`/admin/content/${slug}/diff?from=1.0.0&to=1.1.0`)
      .set('accept-language', 'en')
      .expect(200);
    assert.match(diff.text, /<del>.*1\.0\.0/s);
    assert.match(diff.text, /<ins>.*Nytt namn/s);

    // Rollback publishes 1.0.0's content again as 1.1.1.
    const token = await csrfOf(agent, `/admin/content/${slug}`);
    await agent
      .post(`/admin/content/${slug}/rollback`)
      .type('form')
      .send({ _csrf: token, version: '1.0.0' })
      .expect(303);
    assert.equal((await ModuleRecord.findByPk(slug))?.currentVersion, '1.1.1');
    const current = await t.silta.modules.current(slug);
    assert.notEqual(current?.title.sv, 'Nytt namn');

    const exported = await agent
      .get(`/admin/content/${slug}/export?version=1.1.0`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    assert.equal(exported.status, 200);
    assert.equal(exported.headers['content-type'], 'application/zip');
    // The export uploads again as it is, once its version is raised.
    const again = await upload(exported.body as Buffer);
    assert.equal(again.status, 409);
    assert.match(again.text, /not newer than the current version 1\.1\.1/);
  });

  it('refuses bad packs with a message next to the upload, storing nothing', async () => {
    const slug = uniqueSlug('refused');
    const check = t.packs.get('work-ability-service-chain')!.steps.findIndex((s) => s.kind === 'knowledge-check');
    const cases: [string, Buffer, number, RegExp][] = [
      [
        'path traversal',
        zipOf(slug, packSource(slug, '1.0.0'), { '../evil.md': strToU8('# x') }),
        400,
        /path that leads outside the pack/,
      ],
      ['not a zip', Buffer.from('just text, not a zip at all'), 400, /not a readable zip/],
      ['invalid YAML', zipOf(slug, { ...packSource(slug, '1.0.0'), 'module.yaml': 'id: [unclosed\n' }), 400, /problem/],
      [
        'raw HTML',
        zipOf(slug, {
          ...packSource(slug, '1.0.0'),
          [`steps/sv/${t.packs.get('work-ability-service-chain')!.steps[0].file}.md`]:
            '# Inledning\n\n<script>alert(1)</script>\n',
        }),
        400,
        /raw HTML is not allowed/,
      ],
      [
        'missing Swedish text',
        zipOf(
          slug,
          packSource(slug, '1.0.0', (doc) =>
            doc.deleteIn(['steps', check, 'questions', 0, 'options', 1, 'text', 'sv']),
          ),
        ),
        400,
        new RegExp(`Step ${check + 1}, question 1, option B, text.*Swedish text is missing`, 's'),
      ],
      // A zip bomb: 40 MB of zeros that compress to a few kilobytes.
      [
        'zip bomb',
        zipOf(slug, packSource(slug, '1.0.0'), { [`${slug}/steps/fi/bomb.md`]: new Uint8Array(40 * 1024 * 1024) }),
        400,
        /unpacks to more than a module pack can be/,
      ],
    ];
    for (const [what, file, status, message] of cases) {
      const response = await upload(file);
      assert.equal(response.status, status, `${what}: ${response.status}`);
      assert.match(response.text, /id="upload-error"/, what);
      assert.match(response.text, message, what);
      assert.equal(await versionsOf(slug), 0, `${what} stored nothing`);
    }
    // A shipped module with a lower version.
    const lower = await upload(
      zipOf(
        'client-participation',
        packSource('client-participation', '0.9.0', () => {}, 'client-participation'),
      ),
    );
    assert.equal(lower.status, 409);
    assert.match(lower.text, /0\.9\.0 is not newer than the current version/);
  });

  it('refuses a file over 50 MB', async function () {
    this.timeout(120_000);
    const response = await upload(Buffer.alloc(50 * 1024 * 1024 + 10, 1));
    assert.equal(response.status, 413);
    assert.match(response.text, /larger than 50 MB/);
  });
});
