declare module 'snowball-stemmers' {
  /** A Snowball stemmer of one language. */
  export type Stemmer = { stem(word: string): string };
  export function newStemmer(language: string): Stemmer;
  export function algorithms(): string[];
}
