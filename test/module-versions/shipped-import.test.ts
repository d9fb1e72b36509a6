import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shippedPackVersions } from '../../server/domain/modules/shipped-versions';
import {
  currentVersionOf,
  importShippedPacks,
  listVersions,
  PackProblemsError,
} from '../../server/domain/modules/versions/module-versions.service';
import { testSilta, type TestSilta } from '../helpers/test-app';
import { packSource, uniqueSlug } from './version-fixtures';

/** Writes a pack's files as a folder `<dir>/<slug>`, as content/modules holds them. */
function writePack(dir: string, slug: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(dir, slug, ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

describe('shipped packs at start: only a newer version is read in full and published', () => {
  let t: TestSilta;
  let dir: string;
  const importFrom = (versions: ReadonlyMap<string, string | null>) =>
    importShippedPacks(t.silta.sequelize, versions, (slug) => path.join(dir, slug));

  before(async () => {
    t = await testSilta();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silta-shipped-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the declared version of every pack folder without parsing it, null where it cannot', () => {
    const quoted = uniqueSlug('quoted');
    const commented = uniqueSlug('commented');
    const broken = uniqueSlug('broken');
    writePack(dir, quoted, { 'module.yaml': 'id: x\nversion: "2.3.4"\ntitle: {}\n' });
    writePack(dir, commented, { 'module.yaml': "id: x\nversion: '1.0.10' # bumped for the spring\n" });
    writePack(dir, broken, { 'module.yaml': 'id: x\n  version: 1.0.0\nversion: next\n' });
    fs.mkdirSync(path.join(dir, uniqueSlug('empty')));
    const versions = shippedPackVersions(dir);
    assert.equal(versions.get(quoted), '2.3.4');
    assert.equal(versions.get(commented), '1.0.10');
    assert.equal(versions.get(broken), null, 'an indented or non-semantic version is not taken');
    assert.equal([...versions.values()].filter((v) => v === null).length, 2, 'the folder without module.yaml too');
    assert.deepEqual(shippedPackVersions(path.join(dir, 'no-such-folder')), new Map());
    for (const slug of versions.keys()) fs.rmSync(path.join(dir, slug), { recursive: true });
  });

  it('publishes a new module and a newer shipped version, and leaves an equal or older one alone', async () => {
    const slug = uniqueSlug('shipped');
    writePack(dir, slug, packSource(slug, '1.0.0'));
    assert.deepEqual(await importFrom(new Map([[slug, '1.0.0']])), [`${slug}@1.0.0`]);
    assert.deepEqual(await importFrom(new Map([[slug, '1.0.0']])), [], 'the same version again: nothing');
    assert.deepEqual(await importFrom(new Map([[slug, '0.9.0']])), [], 'an older declared version: nothing');
    writePack(dir, slug, packSource(slug, '1.1.0'));
    assert.deepEqual(await importFrom(new Map([[slug, '1.1.0']])), [`${slug}@1.1.0`]);
    assert.equal(await currentVersionOf(slug), '1.1.0');
    assert.equal((await listVersions(slug)).length, 2);
  });

  it('reads a pack in full when its version line could not be read: published if newer, else left alone', async () => {
    const slug = uniqueSlug('unread');
    writePack(dir, slug, packSource(slug, '1.0.0'));
    assert.deepEqual(await importFrom(new Map([[slug, null]])), [`${slug}@1.0.0`]);
    assert.deepEqual(await importFrom(new Map([[slug, null]])), [], 'not newer once read');
    assert.equal((await listVersions(slug)).length, 1);
  });

  it('refuses to publish a broken newer pack, naming its file and line, and keeps the current version', async () => {
    const slug = uniqueSlug('broken');
    writePack(dir, slug, packSource(slug, '1.0.0'));
    await importFrom(new Map([[slug, '1.0.0']]));
    writePack(
      dir,
      slug,
      packSource(slug, '2.0.0', (doc) => doc.setIn(['steps', 0, 'kind'], 'lecture')),
    );
    await assert.rejects(importFrom(new Map([[slug, '2.0.0']])), (error: unknown) => {
      assert.ok(error instanceof PackProblemsError);
      assert.match(error.message, new RegExp(`${slug}/module\\.yaml:\\d+: steps\\[0\\]\\.kind must be one of`));
      return true;
    });
    assert.equal(await currentVersionOf(slug), '1.0.0');
  });
});
