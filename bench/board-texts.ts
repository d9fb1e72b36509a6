/**
 * Practice texts for the board benchmark, in Finnish, Swedish and English, put together from
 * parts about the field (work-ability support service chains, occupational health care in the
 * health and social services reform, client participation, supported employment, regional
 * development networks in waves). Demo data, written for Silta.
 */
import type { Language } from '../server/i18n';

type Parts = {
  subjects: string[];
  kinds: string[];
  summaries: string[];
  needs: string[];
  actions: string[];
  results: string[];
};

const PARTS: Record<Language, Parts> = {
  fi: {
    subjects: [
      'Työkykykoordinaattori',
      'Matalan kynnyksen työkykyneuvonta',
      'Yhteinen palveluketju',
      'Nuorten Ohjaamo',
      'Kuntoutuksen varhainen aloitus',
      'Työterveyshuollon ja perusterveydenhuollon yhteistyö',
      'Osatyökykyisten tuettu työllistyminen',
      'Asiakasosallisuuden työkalupakki',
      'Verkostokokous',
      'Digitaalinen työkykyarvio',
      'Mielenterveyden tuki työpaikalla',
      'Paluu töihin -suunnitelma',
      'Kelan ja TE-palvelujen yhteinen vastaanotto',
      'Pitkäaikaistyöttömien terveystarkastukset',
      'Työkykyä tukeva palvelupolku',
      'Kokemusasiantuntijat palvelujen kehittämisessä',
      'Sote-keskuksen työkykytiimi',
      'Tulevaisuusverstas alueen toimijoille',
    ],
    kinds: ['pilotti', 'toimintamalli', 'kokeilu', 'käytäntö', 'alueellinen malli', 'yhteistyömalli'],
    summaries: [
      'Asiakas saa yhden yhteyshenkilön, joka kokoaa tuen eri palveluista.',
      'Työterveyshuolto, sosiaalityö ja kuntoutus sopivat yhteisestä työnjaosta.',
      'Palveluketjun vaiheet kuvattiin yhdessä asiakkaiden kanssa.',
      'Työkyvyn heikkeneminen tunnistetaan ajoissa ja tuki alkaa heti.',
      'Nuoret ohjataan oikeaan palveluun yhdellä käynnillä.',
      'Työpaikka, työterveyshuolto ja Kela tapaavat samassa neuvottelussa.',
      'Työttömien terveystarkastukset yhdistettiin työkyvyn arviointiin.',
      'Asiakkaiden kokemukset kerättiin ja niistä tehtiin muutoksia palveluihin.',
    ],
    needs: [
      'Asiakkaat putosivat palvelujen väliin, eikä kukaan vastannut kokonaisuudesta.',
      'Osatyökykyiset jäivät pitkäksi aikaa ilman työkyvyn tukea.',
      'Työterveyshuollolla ei ollut yhteyttä hyvinvointialueen muihin palveluihin.',
      'Pitkäaikaistyöttömien työkykyä ei arvioitu ennen kuntoutusta.',
      'Kuntoutus alkoi liian myöhään sairausloman jälkeen.',
      'Nuorten mielenterveyden ongelmat viivästyttivät opintoja ja työhön pääsyä.',
      'Tieto ei kulkenut toimijoiden välillä, ja asiakas kertoi tarinansa monta kertaa.',
    ],
    actions: [
      'Perustettiin moniammatillinen tiimi, joka kokoontuu viikoittain.',
      'Laadittiin yhteinen työkyvyn tuen suunnitelma, jota kaikki toimijat käyttävät.',
      'Kokeiltiin tuetun työllistymisen mallia työvalmentajan kanssa.',
      'Koulutettiin työterveyshuollon ammattilaiset tunnistamaan tuen tarve.',
      'Kehittämisverstaissa mallinnettiin palveluketju vaihe vaiheelta.',
      'Asiakkaat osallistuivat kehittämiseen kokemusasiantuntijoina.',
      'Sovittiin, kuka vastaa asiakkaan seurannasta kuntoutuksen jälkeen.',
      'Otettiin käyttöön sähköinen ajanvaraus ja yhteinen kirjaamiskäytäntö.',
    ],
    results: [
      'Paluu töihin nopeutui keskimäärin kuukaudella.',
      'Asiakastyytyväisyys parani kaikissa kyselyissä.',
      'Sairauspoissaolot vähenivät pilotin aikana.',
      'Kuntoutukseen ohjattiin aiemmin kuin ennen.',
      'Toimijat tuntevat nyt toistensa palvelut.',
      'Malli laajennetaan seuraavan aallon alueille.',
    ],
  },
  sv: {
    subjects: [
      'Koordinator för arbetsförmåga',
      'Gemensam servicekedja',
      'Stöd för arbetsförmåga med låg tröskel',
      'Tidig rehabilitering',
      'Samarbete mellan företagshälsovården och primärvården',
      'Stödd sysselsättning för partiellt arbetsföra',
      'Verktyg för klientdelaktighet',
      'Nätverksmöte',
      'Ungdomarnas vägledning',
      'Återgång till arbetet',
    ],
    kinds: ['pilot', 'verksamhetsmodell', 'försök', 'god praxis'],
    summaries: [
      'Klienten får en kontaktperson som samordnar stödet från olika tjänster.',
      'Företagshälsovården, socialarbetet och rehabiliteringen kom överens om arbetsfördelningen.',
      'Servicekedjans steg beskrevs tillsammans med klienterna.',
      'Nedsatt arbetsförmåga upptäcks i tid och stödet börjar genast.',
      'Arbetsplatsen, företagshälsovården och FPA träffas i samma möte.',
    ],
    needs: [
      'Klienterna föll mellan tjänsterna och ingen hade helhetsansvaret.',
      'Partiellt arbetsföra blev länge utan stöd för arbetsförmågan.',
      'Företagshälsovården saknade kontakt med välfärdsområdets övriga tjänster.',
      'Rehabiliteringen började för sent efter sjukledigheten.',
    ],
    actions: [
      'Ett mångprofessionellt team bildades och träffas varje vecka.',
      'En gemensam plan för stöd för arbetsförmågan togs fram.',
      'Modellen för stödd sysselsättning prövades med en arbetscoach.',
      'I utvecklingsverkstäder modellerades servicekedjan steg för steg.',
      'Klienterna deltog i utvecklingen som erfarenhetsexperter.',
    ],
    results: [
      'Återgången till arbetet gick snabbare.',
      'Klienterna var nöjdare enligt alla enkäter.',
      'Sjukfrånvaron minskade under piloten.',
      'Modellen sprids till regionerna i nästa våg.',
    ],
  },
  en: {
    subjects: [
      'Work-ability coordinator',
      'Shared service chain',
      'Low-threshold work-ability support',
      'Early rehabilitation',
      'Occupational health care and primary care together',
      'Supported employment for people with partial work ability',
      'Client participation toolkit',
      'Network meeting',
      'Youth guidance centre',
      'Return-to-work plan',
    ],
    kinds: ['pilot', 'operating model', 'trial', 'good practice'],
    summaries: [
      'Each client has one contact person who brings together support from different services.',
      'Occupational health care, social work and rehabilitation agreed on who does what.',
      'The steps of the service chain were mapped with clients.',
      'Declining work ability is spotted early and support starts at once.',
      'The workplace, occupational health care and Kela meet in one negotiation.',
    ],
    needs: [
      'Clients fell between services and nobody was responsible for the whole.',
      'People with partial work ability waited a long time for support.',
      'Occupational health care had no link to the other services of the wellbeing services county.',
      'Rehabilitation started too late after sick leave.',
    ],
    actions: [
      'A multiprofessional team was set up and meets every week.',
      'A shared work-ability support plan is used by every actor.',
      'Individual placement and support was tried with an employment specialist.',
      'Co-development workshops mapped the service chain step by step.',
      'Clients took part in the development as experts by experience.',
    ],
    results: [
      'Return to work was a month faster on average.',
      'Client satisfaction rose in every survey.',
      'Sick leave fell during the pilot.',
      'The model spreads to the regions of the next wave.',
    ],
  },
};

/** The same seed gives the same board. */
export { seededRandom as random } from '../server/domain/modules/assessment/shuffle';

export type Texts = {
  language: Language;
  title: string;
  summary: string;
  need: string;
  whatWasDone: string;
  results: string;
};

/** The texts of practice number `n`: 70 % Finnish, 15 % Swedish, 15 % English. */
export function practiceTexts(n: number, next: () => number): Texts {
  const roll = next();
  const language: Language = roll < 0.7 ? 'fi' : roll < 0.85 ? 'sv' : 'en';
  const parts = PARTS[language];
  const pick = (list: string[]) => list[Math.floor(next() * list.length)];
  const some = (list: string[], count: number) => Array.from({ length: count }, () => pick(list)).join(' ');
  return {
    language,
    title: `${pick(parts.subjects)}: ${pick(parts.kinds)} ${n}`,
    summary: some(parts.summaries, 2),
    need: some(parts.needs, 2),
    whatWasDone: some(parts.actions, 3),
    results: some(parts.results, 2),
  };
}

/** Comments of the benchmark's board, in the practice's language. */
export const COMMENTS: Record<Language, string[]> = {
  fi: [
    'Kiinnostava malli, miten työterveyshuolto saatiin mukaan?',
    'Meillä on samanlainen tarve, otamme yhteyttä.',
    'Kuinka paljon resursseja tiimi tarvitsi?',
    'Hyvä kuvaus palveluketjusta.',
  ],
  sv: [
    'Intressant modell, hur fick ni med företagshälsovården?',
    'Vi har samma behov och hör av oss.',
    'Bra beskrivning av servicekedjan.',
  ],
  en: [
    'Interesting model, how did occupational health care join?',
    'We have the same need and will get in touch.',
    'A clear description of the service chain.',
  ],
};
