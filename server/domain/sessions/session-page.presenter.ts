import { LANGUAGES, type Language } from '../../i18n';
import { TITLE_MAX, VOTE_BUDGET_MAX } from './session.schema';
import type { SessionTemplate } from './session-template';

const LANGUAGE_LABELS: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

export type NewSessionValues = {
  title?: string;
  language?: string;
  template?: string;
  voteBudget?: string;
  anonymous?: boolean;
  completionReporting?: boolean;
};

/** The "new session" form: templates in the page's language, the first one chosen by default. */
export function presentNewSessionForm(
  templates: ReadonlyMap<string, SessionTemplate>,
  lang: Language,
  values: NewSessionValues = {},
) {
  const chosen = values.template && templates.has(values.template) ? values.template : [...templates.keys()][0];
  return {
    titleMax: TITLE_MAX,
    budgetMax: VOTE_BUDGET_MAX,
    values,
    sessionLanguages: LANGUAGES.map((l) => ({
      value: l,
      label: LANGUAGE_LABELS[l],
      selected: l === (values.language ?? lang),
    })),
    templates: [...templates.values()].map((t) => ({
      key: t.key,
      title: t.title[lang],
      description: t.description[lang],
      voteBudget: t.voteBudget,
      checked: t.key === chosen,
    })),
  };
}
