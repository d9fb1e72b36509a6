import { ACTORS, STATUSES, THEMES } from '../server/domain/board/board.schema';
import { REGION_SEED } from '../server/store/migrations/0004-regions-and-board';
import { openDatabase } from '../server/store/db';
import { defineModels, LaunchSession, Practice, PracticeComment, User } from '../server/store/models';
import { inTransaction } from '../server/store/transaction';
import { reindexPractices } from '../server/domain/board/search/practice-index';
import { COMMENTS, practiceTexts, random } from './board-texts';

const BATCH = 500;
/** Authors of the seeded practices: the launched developer and this many colleagues. */
const AUTHORS = 100;
const DAY_MS = 86_400_000;

export type SeedFigures = { practices: number; comments: number; seconds: number };

/** `count` distinct items of a list, chosen by `next`. */
function several<T>(list: readonly T[], count: number, next: () => number): T[] {
  const copy = [...list];
  return Array.from(
    { length: Math.min(count, copy.length) },
    () => copy.splice(Math.floor(next() * copy.length), 1)[0],
  );
}

/** A count with a long tail (most practices have few reactions, a few have many). */
const skewed = (next: () => number, max: number) => Math.floor(max * next() ** 3);

/**
 * Seeds the board of a launch (its platform and the default board) directly through the store:
 * `practices` practices over the last two years by the launch's user and 99 colleagues, spread over every region
 * (so every wave), with themes, actors, statuses, useful and adoption counts, 1 % hidden, and
 * comments averaging `commentsPerPractice`, in transactions of BATCH rows. Deterministic for a seed.
 */
export async function seedBoard(props: {
  databaseUrl: string;
  lt: string;
  practices: number;
  commentsPerPractice: number;
  seed: number;
}): Promise<SeedFigures> {
  const started = Date.now();
  const sequelize = await openDatabase(props.databaseUrl);
  try {
    defineModels(sequelize);
    const session = await LaunchSession.findByPk(props.lt);
    const user = session && (await User.findByPk(session.userId));
    if (!user) throw new Error(`seed: no user for launch ${props.lt}`);
    const board = { issuer: user.issuer, boardKey: 'default' };
    // Many authors, as on a real board: with the developer as the only author, every page listed
    // 50 of their 2,500 drafts (70 cards instead of 20). Colleagues are made once per database.
    const colleagues = await User.bulkCreate(
      Array.from({ length: AUTHORS - 1 }, (_, i) => ({
        issuer: user.issuer,
        sub: `bench-author-${props.seed}-${i}`,
        name: `Kehittäjä ${i + 1}`,
        givenName: null,
        familyName: null,
        email: null,
      })),
      { ignoreDuplicates: true },
    );
    const authors = [
      user.id,
      ...(
        await User.findAll({ where: { issuer: user.issuer, sub: colleagues.map((c) => c.sub) }, attributes: ['id'] })
      ).map((u) => u.id),
    ];
    const next = random(props.seed);
    const now = Date.now();
    const commentCounts: number[] = [];
    for (let first = 0; first < props.practices; first += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, props.practices - first) }, (_, i) => {
        const n = first + i;
        const texts = practiceTexts(n, next);
        // 0..2x the mean, so the mean holds.
        const comments = Math.floor(next() * (2 * props.commentsPerPractice + 1));
        commentCounts.push(comments);
        const createdAt = new Date(now - (props.practices - n) * ((2 * 365 * DAY_MS) / props.practices));
        return {
          ...board,
          authorId: authors[n % authors.length],
          regionCode: REGION_SEED[Math.floor(next() * REGION_SEED.length)].code,
          ...texts,
          actors: JSON.stringify(several(ACTORS, 1 + Math.floor(next() * 3), next)),
          themes: JSON.stringify(several(THEMES, 1 + Math.floor(next() * 3), next)),
          links: '[]',
          status: STATUSES[Math.floor(next() * STATUSES.length)],
          usefulCount: skewed(next, 40),
          adoptionCount: skewed(next, 8),
          commentCount: comments,
          hiddenAt: next() < 0.01 ? new Date(createdAt.getTime() + DAY_MS) : null,
          hiddenReason: null,
          createdAt,
          updatedAt: createdAt,
        };
      });
      await inTransaction(sequelize, (transaction) => Practice.bulkCreate(rows, { transaction }));
    }
    // Comments go to the practices just made, in the order they were made.
    const made = await Practice.findAll({
      where: board,
      attributes: ['id', 'language', 'createdAt'],
      order: [['id', 'ASC']],
    });
    const seeded = made.slice(-props.practices);
    const comments = seeded.flatMap((practice, i) =>
      Array.from({ length: commentCounts[i] ?? 0 }, (_, k) => {
        const pool = COMMENTS[practice.language as keyof typeof COMMENTS] ?? COMMENTS.fi;
        return {
          practiceId: practice.id,
          parentId: null,
          authorId: authors[(i + k) % authors.length],
          body: pool[(i + k) % pool.length],
          createdAt: new Date(practice.createdAt.getTime() + (k + 1) * 3_600_000),
        };
      }),
    );
    for (let first = 0; first < comments.length; first += BATCH) {
      const rows = comments.slice(first, first + BATCH);
      await inTransaction(sequelize, (transaction) => PracticeComment.bulkCreate(rows, { transaction }));
    }
    // Rows written in bulk get their lemmas as a migration would give them, in batches.
    await reindexPractices(sequelize);
    // Statistics for the planners, as a database in use has them (autovacuum would come later).
    await sequelize.query(sequelize.getDialect() === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
    return { practices: seeded.length, comments: comments.length, seconds: (Date.now() - started) / 1000 };
  } finally {
    await sequelize.close();
  }
}
