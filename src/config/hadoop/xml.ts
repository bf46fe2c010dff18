import { Parser } from 'xml2js/lib/parser.js';
import { ParseError } from '../../errors/index.js';

/** One `<property>` of a Hadoop configuration file, where it was written. */
export interface HadoopProperty {
  readonly kind: 'property';
  readonly name: string;
  /** Undefined when the property has no `<value>`: Hadoop then ignores it. */
  readonly value: string | undefined;
  readonly final: boolean;
  readonly file: string;
  /** 1-based line of the value (or of the property when it has no value). */
  readonly line: number;
}

/** An `<xi:include href=...>` that the loader resolves relative to the including file. */
export interface HadoopInclude {
  readonly kind: 'include';
  readonly href: string;
  readonly hasFallback: boolean;
  readonly file: string;
  readonly line: number;
}

export interface HadoopResource {
  readonly file: string;
  /** Properties and includes in document order, which is the order Hadoop applies them. */
  readonly items: readonly (HadoopProperty | HadoopInclude)[];
}

interface XmlNode {
  '#name': string;
  $?: Record<string, string>;
  $$?: XmlNode[];
  _?: string;
}

const LINE_ATTR = '__line__';

/**
 * Parses the text of a Hadoop `*-site.xml`. Pure: no file access. Throws ParseError with the line
 * for malformed XML, an empty document, or one whose root is not `<configuration>`.
 */
export function parseHadoopXml(text: string, file: string): HadoopResource {
  const root = parseXml(text, file);
  if (root === undefined) {
    // Hadoop's parser fails with "Unexpected EOF in prolog": the whole configuration does not load.
    throw new ParseError(
      `the file has no <configuration> element${text.trim() === '' ? ' (it is empty)' : ''}; Hadoop fails to load it. Write <configuration></configuration> into it, or remove it.`,
      { file, line: 1 },
    );
  }
  const rootName = localName(root['#name']);
  if (rootName !== 'configuration') {
    throw new ParseError(`the root element is <${root['#name']}>, expected <configuration>`, {
      file,
      line: lineOf(root),
    });
  }
  const items: (HadoopProperty | HadoopInclude)[] = [];
  for (const child of root.$$ ?? []) {
    const name = localName(child['#name']);
    if (name === 'property') {
      const property = readProperty(child, file);
      if (property !== undefined) items.push(property);
    } else if (name === 'include') {
      const href = child.$?.href;
      if (href === undefined || href === '') {
        throw new ParseError(`<xi:include> has no href`, {
          file,
          line: lineOf(child),
        });
      }
      const hasFallback = (child.$$ ?? []).some((c) => localName(c['#name']) === 'fallback');
      items.push({ kind: 'include', href, hasFallback, file, line: lineOf(child) });
    }
  }
  return { file, items };
}

function readProperty(node: XmlNode, file: string): HadoopProperty | undefined {
  // Hadoop accepts both child elements and attributes (<property name=".." value=".."/>).
  let name = node.$?.name;
  let value = node.$?.value;
  let final = node.$?.final;
  let line = lineOf(node);
  for (const child of node.$$ ?? []) {
    const tag = localName(child['#name']);
    const text = child._ ?? '';
    if (tag === 'name') name = text;
    else if (tag === 'value') {
      value = text;
      line = lineOf(child);
    } else if (tag === 'final') final = text;
  }
  const trimmedName = name?.trim();
  if (trimmedName === undefined || trimmedName === '') {
    throw new ParseError(`<property> without a <name>`, { file, line });
  }
  return {
    kind: 'property',
    name: trimmedName,
    // Hadoop treats an empty <value/> as no value: the property is not loaded at all.
    value: value === '' ? undefined : value,
    final: final === 'true',
    file,
    line,
  };
}

function parseXml(text: string, file: string): XmlNode | undefined {
  const parser = new Parser({
    explicitChildren: true,
    preserveChildrenOrder: true,
    explicitRoot: false,
    charsAsChildren: false,
    includeWhiteChars: false,
    trim: false,
  });
  // xml2js keeps no positions; tag every element with the line sax is on when it opens.
  const sax = (parser as unknown as { saxParser: SaxLike }).saxParser;
  const openTag = sax.onopentag;
  sax.onopentag = (node) => {
    node.attributes[LINE_ATTR] = String(sax.line + 1);
    openTag.call(sax, node);
  };
  let result: XmlNode | undefined;
  let failure: { message: string; line: number } | undefined;
  parser.parseString(text, (err: Error | null, parsedValue: unknown) => {
    const value = parsedValue as XmlNode | null;
    if (err !== null && failure === undefined) {
      failure = { message: firstLine(err.message), line: sax.line + 1 };
    } else if (err === null && result === undefined) {
      result = value ?? undefined;
    }
  });
  if (failure !== undefined) {
    throw new ParseError(`not well-formed XML: ${failure.message}`, {
      file,
      line: failure.line,
    });
  }
  return result;
}

interface SaxLike {
  line: number;
  onopentag: (node: { attributes: Record<string, string> }) => void;
}

function lineOf(node: XmlNode): number {
  return Number(node.$?.[LINE_ATTR] ?? '1');
}

function localName(tag: string): string {
  const colon = tag.indexOf(':');
  return colon < 0 ? tag : tag.slice(colon + 1);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
