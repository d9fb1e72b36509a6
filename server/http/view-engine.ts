import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

type RenderCallback = (error: Error | null, html?: string) => void;

export type ViewEngineOptions = {
  extname: string;
  layoutsDir: string;
  partialsDir: string;
  defaultLayout: string;
  helpers: Record<string, Handlebars.HelperDelegate>;
  compilerOptions?: CompileOptions;
};

/** Every template file under `dir` (subfolders included), by name: its path from `dir` without the extension. */
function templateFiles(dir: string, extname: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(extname)) continue;
    const file = path.join(entry.parentPath, entry.name);
    found.set(path.relative(dir, file).split(path.sep).join('/').slice(0, -extname.length), file);
  }
  return found;
}

/**
 * An express view engine for Handlebars that compiles each view, layout and partial once and
 * renders synchronously. express-handlebars, used before, rebuilt its partials map (through a
 * promise per partial file) and merged its helpers on every render: about 1 ms of a board
 * page's CPU. Same behaviour otherwise: templates are trimmed before compiling and the output
 * after rendering, the layout is `layout` when the render names one (false for none) or
 * `defaultLayout`, the view's output reaches it as `body`, and partials are named by their path
 * under `partialsDir` (`icons/close`).
 */
export function handlebarsEngine(options: ViewEngineOptions) {
  const hbs = Handlebars.create();
  hbs.registerHelper(options.helpers);
  const compile = (file: string) => hbs.compile(fs.readFileSync(file, 'utf8').trim(), options.compilerOptions);
  let partialsRegistered = false;
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  const templateOf = (file: string) => {
    let template = templates.get(file);
    if (!template) templates.set(file, (template = compile(file)));
    return template;
  };
  const layoutFile = (layout: string) =>
    path.resolve(options.layoutsDir, path.extname(layout) ? layout : `${layout}${options.extname}`);

  return (file: string, locals: object, callback: RenderCallback) => {
    try {
      // At the first render, not at start: tests and scripts that render nothing read no files.
      if (!partialsRegistered) {
        for (const [name, partial] of templateFiles(options.partialsDir, options.extname))
          hbs.registerPartial(name, compile(partial));
        partialsRegistered = true;
      }
      const context = locals as Record<string, unknown>;
      const layout = 'layout' in context ? context.layout : options.defaultLayout;
      const body = templateOf(file)(context).trim();
      callback(
        null,
        typeof layout === 'string' && layout ? templateOf(layoutFile(layout))({ ...context, body }).trim() : body,
      );
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  };
}
