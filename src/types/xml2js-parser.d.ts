// The parser half of xml2js, imported alone so the XML builder (unused here) is never loaded.
declare module 'xml2js/lib/parser.js' {
  import type { ParserOptions } from 'xml2js';
  export class Parser {
    constructor(options?: ParserOptions);
    parseString(text: string, callback: (err: Error | null, result: unknown) => void): void;
  }
}
