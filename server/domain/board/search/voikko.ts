import koffi, { type LibraryHandle } from 'koffi';

/** One reading of a word: its base form, its parts (`+työ(työ)+kyky(kyky)`) and word class. */
export type VoikkoAnalysis = { baseform: string; wordbases: string; wordClass: string };

/** Finnish morphology from libvoikko: the analyses of one word form. */
export type Voikko = { analyse(word: string): VoikkoAnalysis[] };

/** The shared library's names on Debian/Ubuntu (libvoikko1) and elsewhere. */
const LIBRARIES = ['libvoikko.so.1', 'libvoikko.so', 'libvoikko.1.dylib'];

/**
 * Loads libvoikko through koffi and opens its Finnish dictionary (voikko-fi), or says why it
 * could not. Called once per process; the handle lives as long as the process. koffi ships its
 * prebuilt binary inside the npm package, so nothing is compiled or downloaded (decision 0015).
 */
export function loadVoikko(): { voikko: Voikko } | { error: string } {
  let lib: LibraryHandle | undefined;
  const failures: string[] = [];
  for (const name of LIBRARIES) {
    try {
      lib = koffi.load(name);
      break;
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (!lib) return { error: `libvoikko not found (${failures[0] ?? 'no library'})` };
  try {
    // Pointers the library owns are typed void* so that koffi does not copy and leak strings.
    const init = lib.func('void* voikkoInit(_Out_ const char **error, const char *langcode, const char *path)');
    const analyseWord = lib.func('void* voikkoAnalyzeWordCstr(void *handle, const char *word)');
    const valueOf = lib.func('void* voikko_mor_analysis_value_cstr(void *analysis, const char *key)');
    const freeValue = lib.func('void voikko_free_mor_analysis_value_cstr(void *value)');
    const freeAnalyses = lib.func('void voikko_free_mor_analysis(void *analyses)');
    const error: (string | null)[] = [null];
    const handle = init(error, 'fi', null) as unknown;
    if (!handle) return { error: `voikko-fi dictionary not usable (${error[0] ?? 'voikkoInit failed'})` };
    const read = (analysis: unknown, key: string): string => {
      const value = valueOf(analysis, key) as unknown;
      if (!value) return '';
      const text = koffi.decode(value, 'char', -1) as string;
      freeValue(value);
      return text;
    };
    return {
      voikko: {
        analyse(word) {
          const list = analyseWord(handle, word) as unknown;
          if (!list) return [];
          const analyses: VoikkoAnalysis[] = [];
          // A NULL-terminated array of analysis pointers.
          for (let i = 0; ; i++) {
            const analysis = koffi.decode(list, i * koffi.sizeof('void*'), 'void*') as unknown;
            if (!analysis) break;
            analyses.push({
              baseform: read(analysis, 'BASEFORM'),
              wordbases: read(analysis, 'WORDBASES'),
              wordClass: read(analysis, 'CLASS'),
            });
          }
          freeAnalyses(list);
          return analyses;
        },
      },
    };
  } catch (err) {
    return { error: `libvoikko could not be used (${err instanceof Error ? err.message : String(err)})` };
  }
}
