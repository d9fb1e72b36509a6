import type { Express } from 'express';
import type { HelperOptions } from 'handlebars';
import path from 'node:path';
import { isLanguage, translator } from '../i18n';
import { VIEWS_DIR } from '../paths';
import { handlebarsEngine } from './view-engine';

/** Handlebars with the helpers every page uses: `t` translates in the page's language. */
export function useViews(app: Express): void {
  app.engine(
    'hbs',
    handlebarsEngine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(VIEWS_DIR, 'layouts'),
      partialsDir: path.join(VIEWS_DIR, 'partials'),
      // An indented partial call must not indent the partial's output: it would shift every line
      // of rendered Markdown, code blocks included.
      compilerOptions: { preventIndent: true },
      helpers: {
        t(key: string, options: HelperOptions) {
          const lang: unknown = options.data?.root?.lang;
          return translator(isLanguage(lang) ? lang : 'fi')(key, options.hash ?? {});
        },
        eq: (a: unknown, b: unknown) => a === b,
        concat: (...parts: unknown[]) => parts.slice(0, -1).join(''),
        json: (value: unknown) => JSON.stringify(value),
        // `or` for optional attributes in partials; the last argument is Handlebars' options object.
        or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
        // `{{> field (hash id=… label=…)}}`: a partial that sees only what it is given, not the page's own names.
        hash: (options: HelperOptions) => options.hash,
        isDefined: (value: unknown) => value !== undefined && value !== null && value !== '',
      },
    }),
  );
  app.set('view engine', 'hbs');
  // Views are looked up once (the engine keeps compiled templates); `npm run dev` restarts on changes.
  app.enable('view cache');
  app.set('views', VIEWS_DIR);
}
