import path from 'node:path';

/** The repository root, whether running from TypeScript sources or from the compiled `dist/`. */
export const ROOT_DIR = path.resolve(
  __dirname,
  '..',
  ...(path.basename(path.resolve(__dirname, '..')) === 'dist' ? ['..'] : []),
);
export const DATA_DIR = path.join(ROOT_DIR, 'data');
export const VIEWS_DIR = path.join(ROOT_DIR, 'views');
export const PUBLIC_DIR = path.join(ROOT_DIR, 'public');
export const LOCALES_DIR = path.join(ROOT_DIR, 'server', 'i18n', 'locales');
