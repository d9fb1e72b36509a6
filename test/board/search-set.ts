/**
 * The board's search test set: practices in Finnish, Swedish and English, and queries with the
 * practices each must find, exactly. The same expectations hold on SQLite and on PostgreSQL
 * (search-set.test.ts runs on whichever DATABASE_URL names). Inflected forms, compounds,
 * consonant gradation (kyky/kyvyn, tuki/tuen, hoito/hoidon, ketju/ketjun), Swedish definite
 * forms, phrases, `or` and `-word`.
 */
import type { TestSilta } from '../helpers/test-app';
import { createPractice, openBoard, placeBoard } from './board-fixtures';

export type SetPractice = {
  title: string;
  summary: string;
  need: string;
  whatWasDone: string;
  results?: string;
  language: 'fi' | 'sv' | 'en';
};

export const PRACTICES = {
  tukiTth: {
    language: 'fi',
    title: 'Työkyvyn tuki työterveyshuollossa',
    summary: 'Työterveyshuolto ja työpaikka sopivat tuen keinoista.',
    need: 'Sairauspoissaolot pitkittyivät.',
    whatWasDone: 'Kolmikantaneuvottelu järjestetään ajoissa.',
  },
  koordinaattori: {
    language: 'fi',
    title: 'Työkykykoordinaattori kokoaa verkoston',
    summary: 'Koordinaattori kokoaa tuen yhteen.',
    need: 'Asiakkaat putosivat palvelujen väliin.',
    whatWasDone: 'Yksi yhteyshenkilö kulkee asiakkaan rinnalla.',
    results: 'Paluu töihin nopeutui.',
  },
  nuoret: {
    language: 'fi',
    title: 'Työkyky puheeksi nuorten kanssa',
    summary: 'Ohjaamo ja oppilaitos tekevät yhteistyötä.',
    need: 'Nuorten opinnot keskeytyivät.',
    whatWasDone: 'Opiskeluterveydenhuolto ottaa työkyvyn ja sen tuen puheeksi.',
  },
  hoito: {
    language: 'fi',
    title: 'Mielenterveyden hoidon porrasmalli',
    summary: 'Hoito alkaa perustasolla ilman jonoa.',
    need: 'Hoitoon pääsy kesti kuukausia.',
    whatWasDone: 'Lyhytterapia ja ohjattu omahoito.',
  },
  ketju: {
    language: 'fi',
    title: 'Kuntoutuksen palveluketjun kuvaus',
    summary: 'Ketju kuvattiin yhdessä Kelan kanssa.',
    need: 'Kuntoutus alkoi liian myöhään.',
    whatWasDone: 'Verkostokokous pidetään joka kuukausi.',
  },
  digi: {
    language: 'fi',
    title: 'Digitaaliset palvelut ikääntyville',
    summary: 'Etävastaanotto ja chat samassa sovelluksessa.',
    need: 'Pitkät välimatkat.',
    whatWasDone: 'Palvelut koottiin yhteen.',
  },
  ips: {
    language: 'fi',
    title: 'Osatyökykyisten työllistyminen',
    summary: 'TE-palvelut ja työpaikat yhteistyössä.',
    need: 'Moni jäi työttömäksi.',
    whatWasDone: 'IPS-työhönvalmennus aloitettiin kaupungissa.',
  },
  bodyOnly: {
    language: 'fi',
    title: 'Esimiesten valmennus',
    summary: 'Valmennus kestää kolme kuukautta.',
    need: 'Esimiehet eivät tunnistaneet tarpeita.',
    whatWasDone: 'Valmennuksessa harjoiteltiin verkostokokouksen pitämistä.',
  },
  svStod: {
    language: 'sv',
    title: 'Stöd för arbetsförmåga i företagshälsovården',
    summary: 'Företagshälsovården och arbetsplatsen samarbetar.',
    need: 'Sjukskrivningarna blev långa.',
    whatWasDone: 'Ett trepartsmöte ordnas tidigt.',
  },
  svKedja: {
    language: 'sv',
    title: 'Servicekedjan för rehabilitering',
    summary: 'Rehabiliteringen planeras tillsammans med FPA.',
    need: 'Väntetiderna var långa.',
    whatWasDone: 'Nätverksmöte varje månad.',
  },
  svUnga: {
    language: 'sv',
    title: 'Unga och arbetsförmågan',
    summary: 'Ungdomarna får en egen kontaktperson.',
    need: 'Studierna avbröts.',
    whatWasDone: 'Företagshälsovård för studerande.',
  },
  enIps: {
    language: 'en',
    title: 'Supported employment for partial work ability',
    summary: 'Employment services and workplaces work together.',
    need: 'Many stayed unemployed.',
    whatWasDone: 'Job coaches support the employee at work.',
  },
  enChain: {
    language: 'en',
    title: 'Rehabilitation service chain',
    summary: 'The chain was modelled with Kela.',
    need: 'Rehabilitation started too late.',
    whatWasDone: 'A network meeting every month.',
  },
  enEarly: {
    language: 'en',
    title: 'Early support at the workplace',
    summary: 'Managers discuss work ability early.',
    need: 'Sick leaves grew long.',
    whatWasDone: 'A checklist for managers.',
  },
  // Ranking: one word in the title, the summary or (three times) the body.
  rankBody: {
    language: 'fi',
    title: 'Liikuntaresepti',
    summary: 'Resepti liikuntaan.',
    need: 'Kuntokartoitus puuttui.',
    whatWasDone: 'Kuntokartoitus ja toinen kuntokartoitus.',
    results: 'Kuntokartoituksen tulokset paranivat.',
  },
  rankSummary: {
    language: 'fi',
    title: 'Liikuntaneuvonta',
    summary: 'Neuvonta alkaa kuntokartoituksella.',
    need: 'Tarve.',
    whatWasDone: 'Neuvottiin.',
  },
  rankTitle: {
    language: 'fi',
    title: 'Kuntokartoitus työpaikalla',
    summary: 'Mittaukset työpaikalla.',
    need: 'Tarve.',
    whatWasDone: 'Mitattiin.',
  },
} satisfies Record<string, SetPractice>;

export type Key = keyof typeof PRACTICES;

/** Query → the practices of PRACTICES it finds, exactly (in any order unless `ordered`). */
export const CASES: { q: string; expected: Key[]; ordered?: boolean; why: string }[] = [
  // Finnish: inflection and consonant gradation
  {
    q: 'työkyky',
    expected: ['tukiTth', 'koordinaattori', 'nuoret'],
    why: 'base form finds genitive, compound and nominative',
  },
  { q: 'työkyvyn', expected: ['tukiTth', 'koordinaattori', 'nuoret'], why: 'kyky/kyvyn gradation' },
  { q: 'työkykyä', expected: ['tukiTth', 'koordinaattori', 'nuoret'], why: 'partitive' },
  {
    q: 'työkyvyn tuki',
    expected: ['tukiTth', 'koordinaattori', 'nuoret'],
    why: 'the network key phrase finds what työkyky finds',
  },
  { q: 'tuki', expected: ['tukiTth', 'koordinaattori', 'nuoret'], why: 'tuki finds tuen (gradation)' },
  { q: 'tuen', expected: ['tukiTth', 'koordinaattori', 'nuoret'], why: 'tuen finds tuki' },
  { q: 'hoito', expected: ['hoito'], why: 'hoito finds hoidon, hoitoon' },
  { q: 'hoidon', expected: ['hoito'], why: 'hoidon finds hoito' },
  { q: 'ketju', expected: ['ketju'], why: 'ketju finds Ketju and palveluketjun (compound part)' },
  { q: 'ketjun', expected: ['ketju'], why: 'genitive finds nominative' },
  { q: 'palveluketju', expected: ['ketju'], why: 'compound finds its genitive' },
  { q: 'kuntoutus', expected: ['ketju'], why: 'kuntoutuksen and kuntoutus' },
  { q: 'kuntoutuksen', expected: ['ketju'], why: 'genitive' },
  { q: 'koordinaattori', expected: ['koordinaattori'], why: 'a compound part finds the compound' },
  { q: 'työterveyshuolto', expected: ['tukiTth'], why: 'inessive and nominative' },
  {
    q: 'terveys',
    expected: ['tukiTth', 'nuoret', 'hoito'],
    why: 'a compound part: työterveyshuolto, opiskeluterveydenhuolto, mielenterveyden',
  },
  { q: 'nuori', expected: ['nuoret'], why: 'nuorten → nuori' },
  {
    q: 'palvelu',
    expected: ['koordinaattori', 'ketju', 'digi', 'ips'],
    why: 'lemma and prefix: palvelujen, palveluketjun, palvelut, TE-palvelut',
  },
  { q: 'palvelut', expected: ['koordinaattori', 'ketju', 'digi', 'ips'], why: 'plural reads as palvelu' },
  { q: 'verkostokokous', expected: ['ketju', 'bodyOnly'], why: 'nominative and genitive' },
  {
    q: 'valmennus',
    expected: ['bodyOnly'],
    why: 'työhönvalmennus is another compound (prefix does not reach the middle)',
  },
  { q: 'osatyökykyinen', expected: ['ips'], why: 'plural genitive' },
  { q: 'ips', expected: ['ips'], why: 'unknown word: exact form' },
  { q: 'kela', expected: ['ketju', 'enChain'], why: 'Kelan → Kela; English text mentions Kela' },
  // phrases, or, -word
  { q: '"työkyvyn tuki"', expected: ['tukiTth'], why: 'phrase: adjacent in this order' },
  { q: '"tuki työkyky"', expected: [], why: 'phrase: order matters' },
  { q: '"työkyvyn tuen"', expected: ['tukiTth'], why: 'phrase in another form' },
  { q: 'hoito or ketju', expected: ['hoito', 'ketju'], why: 'or' },
  {
    q: 'hoito OR rehabilitering',
    expected: ['hoito', 'svKedja', 'enChain'],
    why: 'OR in capitals, across languages (rehabilit- is also the English stem)',
  },
  { q: 'työkyky -nuori', expected: ['tukiTth', 'koordinaattori'], why: 'minus excludes' },
  { q: 'työkyky -"työkyvyn tuki"', expected: ['koordinaattori', 'nuoret'], why: 'minus excludes a phrase' },
  { q: '-työkyky', expected: [], why: 'only excluded words find nothing' },
  { q: 'työkyky hoito', expected: [], why: 'every word must match' },
  // Swedish: definite forms and compounds
  { q: 'företagshälsovård', expected: ['svStod', 'svUnga'], why: 'definite företagshälsovården' },
  { q: 'företagshälsovården', expected: ['svStod', 'svUnga'], why: 'definite finds indefinite' },
  { q: 'arbetsförmåga', expected: ['svStod', 'svUnga'], why: 'indefinite finds definite arbetsförmågan' },
  { q: 'arbetsförmågan', expected: ['svStod', 'svUnga'], why: 'definite (-an) finds indefinite' },
  { q: 'servicekedja', expected: ['svKedja'], why: 'indefinite finds servicekedjan' },
  { q: 'rehabiliteringen', expected: ['svKedja'], why: 'definite finds both' },
  { q: 'ungdomar', expected: ['svUnga'], why: 'ungdomarna' },
  { q: 'nätverksmöten', expected: ['svKedja'], why: 'plural definite' },
  // English
  { q: 'employment', expected: ['enIps'], why: 'employment' },
  { q: 'employ', expected: ['enIps'], why: 'stem' },
  { q: 'workplaces', expected: ['enIps', 'enEarly'], why: 'plural and singular' },
  {
    q: 'rehabilitating',
    expected: ['enChain', 'svKedja'],
    why: 'another derivation of the stem; a query is read in every language, and the Swedish word shares it',
  },
  { q: 'manager', expected: ['enEarly'], why: 'plural' },
  { q: '"service chain"', expected: ['enChain'], why: 'English phrase' },
  { q: 'kuntokartoitus', expected: ['rankBody', 'rankSummary', 'rankTitle'], why: 'every field is searched' },
];

/** Ranking: the practices in this order, best first (title above summary above body). */
export const RANKING: { q: string; order: Key[] }[] = [
  { q: 'kuntokartoitus', order: ['rankTitle', 'rankSummary', 'rankBody'] },
  { q: 'kuntokartoituksen', order: ['rankTitle', 'rankSummary', 'rankBody'] },
];

/** The set on a board of its own: the developer's `lt`, and searches as ids (page order) or as the set's keys. */
export type PlantedSet = {
  lt: string;
  found(q: string): Promise<number[]>;
  search(q: string): Promise<Key[]>;
};

/** Posts every practice of the set (published, in Kainuu) to the board `board` through HTTP. */
export async function plantSearchSet(t: TestSilta, board: string): Promise<PlantedSet> {
  const lt = await openBoard(t, placeBoard(t, { region: 'kainuu', board }), 'developer');
  const keyOf = new Map<number, Key>();
  for (const [key, p] of Object.entries(PRACTICES) as [Key, (typeof PRACTICES)[Key]][]) {
    const id = await createPractice(t, lt, {
      ...p,
      results: 'results' in p ? p.results : '',
      status: 'pilot',
      region: 'kainuu',
    });
    keyOf.set(id, key);
  }
  const found = async (q: string) => {
    const html = (
      await t
        .request()
        .get(`/board?lt=${lt}&q=${encodeURIComponent(q)}`)
        .expect(200)
    ).text;
    return [...html.matchAll(/href="\/board\/practices\/(\d+)\?lt=/g)].map((m) => Number(m[1]));
  };
  return { lt, found, search: async (q) => (await found(q)).flatMap((id) => keyOf.get(id) ?? []) };
}
