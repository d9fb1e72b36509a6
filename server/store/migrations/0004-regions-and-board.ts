import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const ref = (model: string, allowNull = false) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model, key: 'id' },
  onDelete: 'CASCADE',
});
const regionRef = (allowNull = false) => ({
  type: DataTypes.STRING(40),
  allowNull,
  references: { model: 'regions', key: 'code' },
});
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

/**
 * The 21 wellbeing services counties and the City of Helsinki. The codes match the launch custom
 * parameter `region`. The wave numbers are DEMO DATA (a plausible national rollout in four
 * waves), not an official schedule: an admin edits them in the `regions` table.
 */
export const REGION_SEED: { code: string; fi: string; sv: string; en: string; wave: number }[] = [
  {
    code: 'ita-uusimaa',
    fi: 'Itä-Uudenmaan hyvinvointialue',
    sv: 'Östra Nylands välfärdsområde',
    en: 'East Uusimaa Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'keski-uusimaa',
    fi: 'Keski-Uudenmaan hyvinvointialue',
    sv: 'Mellersta Nylands välfärdsområde',
    en: 'Central Uusimaa Wellbeing Services County',
    wave: 3,
  },
  {
    code: 'lansi-uusimaa',
    fi: 'Länsi-Uudenmaan hyvinvointialue',
    sv: 'Västra Nylands välfärdsområde',
    en: 'West Uusimaa Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'vantaa-kerava',
    fi: 'Vantaan ja Keravan hyvinvointialue',
    sv: 'Vanda och Kervo välfärdsområde',
    en: 'Vantaa and Kerava Wellbeing Services County',
    wave: 3,
  },
  {
    code: 'varsinais-suomi',
    fi: 'Varsinais-Suomen hyvinvointialue',
    sv: 'Egentliga Finlands välfärdsområde',
    en: 'Southwest Finland Wellbeing Services County',
    wave: 1,
  },
  {
    code: 'satakunta',
    fi: 'Satakunnan hyvinvointialue',
    sv: 'Satakunta välfärdsområde',
    en: 'Satakunta Wellbeing Services County',
    wave: 3,
  },
  {
    code: 'kanta-hame',
    fi: 'Kanta-Hämeen hyvinvointialue',
    sv: 'Egentliga Tavastlands välfärdsområde',
    en: 'Kanta-Häme Wellbeing Services County',
    wave: 4,
  },
  {
    code: 'pirkanmaa',
    fi: 'Pirkanmaan hyvinvointialue',
    sv: 'Birkalands välfärdsområde',
    en: 'Pirkanmaa Wellbeing Services County',
    wave: 1,
  },
  {
    code: 'paijat-hame',
    fi: 'Päijät-Hämeen hyvinvointialue',
    sv: 'Päijänne-Tavastlands välfärdsområde',
    en: 'Päijät-Häme Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'kymenlaakso',
    fi: 'Kymenlaakson hyvinvointialue',
    sv: 'Kymmenedalens välfärdsområde',
    en: 'Kymenlaakso Wellbeing Services County',
    wave: 4,
  },
  {
    code: 'etela-karjala',
    fi: 'Etelä-Karjalan hyvinvointialue',
    sv: 'Södra Karelens välfärdsområde',
    en: 'South Karelia Wellbeing Services County',
    wave: 3,
  },
  {
    code: 'etela-savo',
    fi: 'Etelä-Savon hyvinvointialue',
    sv: 'Södra Savolax välfärdsområde',
    en: 'South Savo Wellbeing Services County',
    wave: 4,
  },
  {
    code: 'pohjois-savo',
    fi: 'Pohjois-Savon hyvinvointialue',
    sv: 'Norra Savolax välfärdsområde',
    en: 'North Savo Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'pohjois-karjala',
    fi: 'Pohjois-Karjalan hyvinvointialue',
    sv: 'Norra Karelens välfärdsområde',
    en: 'North Karelia Wellbeing Services County',
    wave: 1,
  },
  {
    code: 'keski-suomi',
    fi: 'Keski-Suomen hyvinvointialue',
    sv: 'Mellersta Finlands välfärdsområde',
    en: 'Central Finland Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'etela-pohjanmaa',
    fi: 'Etelä-Pohjanmaan hyvinvointialue',
    sv: 'Södra Österbottens välfärdsområde',
    en: 'South Ostrobothnia Wellbeing Services County',
    wave: 3,
  },
  {
    code: 'pohjanmaa',
    fi: 'Pohjanmaan hyvinvointialue',
    sv: 'Österbottens välfärdsområde',
    en: 'Ostrobothnia Wellbeing Services County',
    wave: 2,
  },
  {
    code: 'keski-pohjanmaa',
    fi: 'Keski-Pohjanmaan hyvinvointialue',
    sv: 'Mellersta Österbottens välfärdsområde',
    en: 'Central Ostrobothnia Wellbeing Services County',
    wave: 4,
  },
  {
    code: 'pohjois-pohjanmaa',
    fi: 'Pohjois-Pohjanmaan hyvinvointialue',
    sv: 'Norra Österbottens välfärdsområde',
    en: 'North Ostrobothnia Wellbeing Services County',
    wave: 1,
  },
  {
    code: 'kainuu',
    fi: 'Kainuun hyvinvointialue',
    sv: 'Kajanalands välfärdsområde',
    en: 'Kainuu Wellbeing Services County',
    wave: 4,
  },
  {
    code: 'lappi',
    fi: 'Lapin hyvinvointialue',
    sv: 'Lapplands välfärdsområde',
    en: 'Lapland Wellbeing Services County',
    wave: 3,
  },
  { code: 'helsinki', fi: 'Helsingin kaupunki', sv: 'Helsingfors stad', en: 'City of Helsinki', wave: 1 },
];

/**
 * Regions (seeded), each user's chosen region, and the peer-learning board: practices, comments
 * with one level of replies, "useful" reactions, adoptions by region, and the moderation log.
 * Every board row carries the platform issuer and the board key, so boards of different
 * platforms never meet in a query. Counts are kept on the practice for sorting.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('regions', {
    code: { type: DataTypes.STRING(40), primaryKey: true },
    name_fi: { type: DataTypes.STRING(200), allowNull: false },
    name_sv: { type: DataTypes.STRING(200), allowNull: false },
    name_en: { type: DataTypes.STRING(200), allowNull: false },
    wave: { type: DataTypes.INTEGER, allowNull: false },
    ...timestamps,
  });
  const now = new Date();
  await qi.bulkInsert(
    'regions',
    REGION_SEED.map((r) => ({
      code: r.code,
      name_fi: r.fi,
      name_sv: r.sv,
      name_en: r.en,
      wave: r.wave,
      created_at: now,
      updated_at: now,
    })),
  );

  await qi.createTable('user_regions', {
    user_id: { ...ref('users'), primaryKey: true },
    region_code: regionRef(),
    ...timestamps,
  });

  await qi.createTable('practices', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    board_key: { type: DataTypes.STRING(64), allowNull: false },
    author_id: ref('users'),
    region_code: regionRef(),
    title: { type: DataTypes.STRING(200), allowNull: false },
    summary: { type: DataTypes.TEXT, allowNull: false },
    need: { type: DataTypes.TEXT, allowNull: false },
    what_was_done: { type: DataTypes.TEXT, allowNull: false },
    results: { type: DataTypes.TEXT, allowNull: false },
    /** JSON arrays of fixed codes (actors, themes) and of URLs (links). */
    actors: { type: DataTypes.TEXT, allowNull: false },
    themes: { type: DataTypes.TEXT, allowNull: false },
    links: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    language: { type: DataTypes.STRING(2), allowNull: false },
    useful_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    adoption_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    comment_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    hidden_at: { type: DataTypes.DATE },
    hidden_reason: { type: DataTypes.STRING(500) },
    ...timestamps,
  });
  await qi.addIndex('practices', ['issuer', 'board_key', 'created_at']);
  await qi.addIndex('practices', ['issuer', 'board_key', 'region_code']);

  await qi.createTable('practice_comments', {
    id,
    practice_id: ref('practices'),
    parent_id: ref('practice_comments', true),
    author_id: ref('users'),
    body: { type: DataTypes.TEXT, allowNull: false },
    hidden_at: { type: DataTypes.DATE },
    hidden_reason: { type: DataTypes.STRING(500) },
    ...timestamps,
  });
  await qi.addIndex('practice_comments', ['practice_id', 'id']);

  await qi.createTable('practice_reactions', {
    id,
    practice_id: ref('practices'),
    user_id: ref('users'),
    ...timestamps,
  });
  await qi.addIndex('practice_reactions', ['practice_id', 'user_id'], { unique: true });

  await qi.createTable('practice_adoptions', {
    id,
    practice_id: ref('practices'),
    region_code: regionRef(),
    user_id: ref('users'),
    note: { type: DataTypes.STRING(1000), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('practice_adoptions', ['practice_id', 'region_code'], { unique: true });
  await qi.addIndex('practice_adoptions', ['region_code']);

  // Not tied to the rows by foreign keys: the log outlives a deleted post.
  await qi.createTable('board_moderation_log', {
    id,
    issuer: { type: DataTypes.STRING(512), allowNull: false },
    board_key: { type: DataTypes.STRING(64), allowNull: false },
    moderator_id: ref('users'),
    action: { type: DataTypes.STRING(16), allowNull: false },
    target_type: { type: DataTypes.STRING(16), allowNull: false },
    target_id: { type: DataTypes.INTEGER, allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex('board_moderation_log', ['issuer', 'board_key', 'created_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const table of [
    'board_moderation_log',
    'practice_adoptions',
    'practice_reactions',
    'practice_comments',
    'practices',
    'user_regions',
    'regions',
  ])
    await qi.dropTable(table);
}
