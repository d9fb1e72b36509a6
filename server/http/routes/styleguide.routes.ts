import { Router } from 'express';
import { formErrorsOf } from '../forms/form-errors';
import { languageLinks, translator, isLanguage } from '../../i18n';
import { z } from 'zod';
import { formatNumber, formatDateTime, formatCount } from '../../i18n/format';

/** The Suomi.fi colour tokens the style guide shows as swatches. */
const SWATCHES = [
  '--ink',
  '--muted',
  '--paper',
  '--panel',
  '--accent',
  '--brand',
  '--danger',
  '--success',
  '--warning',
  '--info',
  '--focus',
];

// A schema only to show real error messages in the guide.
const sample = z.object({ email: z.string().trim().min(1), website: z.string().url() });

/**
 * `/dev/styleguide`: every shared component (buttons, inputs, choices, cards, tags, tables,
 * notifications, back links, the error summary) in the page's language. Mounted only outside
 * production.
 */
export function styleguideRoutes(): Router {
  const router = Router();
  router.get('/dev/styleguide', (req, res) => {
    const lang = isLanguage(res.locals.lang) ? res.locals.lang : 'fi';
    const t = translator(lang);
    const issues = sample.safeParse({ email: '', website: 'thl' }).error?.issues ?? [];
    const errors = formErrorsOf(
      issues,
      {
        email: { id: 'sg-email', label: t('styleguide.email') },
        website: { id: 'sg-website', label: t('styleguide.website') },
      },
      t,
    );
    res.render('dev/styleguide', {
      lang,
      title: t('styleguide.title'),
      languages: languageLinks(lang, (l) => `/dev/styleguide?lang=${l}`),
      errors,
      swatches: SWATCHES,
      options: ['a', 'b', 'c'].map((v, i) => ({ value: v, label: t(`styleguide.option_${v}`), selected: i === 1 })),
      rows: [
        {
          region: t('styleguide.region_a'),
          practices: formatNumber(lang, 12),
          share: formatNumber(lang, 0.375, { style: 'percent', maximumFractionDigits: 1 }),
          adopted: formatCount(lang, 'styleguide.adopted', 1),
        },
        {
          region: t('styleguide.region_b'),
          practices: formatNumber(lang, 1234),
          share: formatNumber(lang, 0.0625, { style: 'percent', maximumFractionDigits: 1 }),
          adopted: formatCount(lang, 'styleguide.adopted', 3),
        },
      ],
      when: formatDateTime(lang, new Date(Date.UTC(2026, 0, 15, 12, 30))),
    });
  });
  return router;
}
