import { QueryTypes } from 'sequelize';
import { Practice } from '../../store/models';
import { toDate } from '../../store/raw-date';

/** The columns a card of the board shows of a practice: the listing reads these alone. */
const CARD_ATTRIBUTES = [
  'id',
  'regionCode',
  'title',
  'summary',
  'actors',
  'themes',
  'status',
  'language',
  'usefulCount',
  'adoptionCount',
  'commentCount',
  'hiddenAt',
  'createdAt',
] as const satisfies readonly (keyof Practice)[];

/** What a card of the board shows of a practice. */
export type PracticeCard = Pick<Practice, (typeof CARD_ATTRIBUTES)[number]>;

/** The card columns of `table` (an alias, quoted), each named as its attribute. */
export function cardColumns(table: string): string {
  const q = (name: string) => Practice.sequelize!.getQueryInterface().quoteIdentifier(name);
  const attributes = Practice.getAttributes();
  return CARD_ATTRIBUTES.map((name) => `${table}.${q(attributes[name].field!)} AS ${q(name)}`).join(', ');
}

/** A card from a raw row whose columns are cardColumns. */
export function toCard(row: Record<string, unknown>): PracticeCard {
  return {
    id: Number(row.id),
    regionCode: String(row.regionCode),
    title: String(row.title),
    summary: String(row.summary),
    actors: String(row.actors),
    themes: String(row.themes),
    status: row.status as PracticeCard['status'],
    language: String(row.language),
    usefulCount: Number(row.usefulCount),
    adoptionCount: Number(row.adoptionCount),
    commentCount: Number(row.commentCount),
    hiddenAt: toDate(row.hiddenAt),
    createdAt: toDate(row.createdAt)!,
  };
}

/**
 * Cards as plain rows of a raw statement over cardColumns: no model instances (building 20 of
 * them cost about 4 ms of CPU per board page, with lodash and the garbage they left).
 */
export async function readCards(sql: string, replacements: unknown[]): Promise<PracticeCard[]> {
  const rows = await Practice.sequelize!.query<Record<string, unknown>>(sql, { replacements, type: QueryTypes.SELECT });
  return rows.map(toCard);
}
