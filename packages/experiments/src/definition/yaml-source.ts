import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

/** One problem of a definition file: the field (`method.steps[0].inject.type`), where it is, and what is wrong. */
export interface DefinitionIssue {
  readonly field: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly message: string;
}

/** A definition file that cannot be run; `issues` name each field and line. Nothing was run. */
export class ExperimentDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    super(
      `${file}: ${issues.length === 1 ? 'invalid' : `${issues.length} problems`}\n${issues.map((issue) => `  ${formatIssue(file, issue)}`).join('\n')}`,
    );
    this.name = 'ExperimentDefinitionError';
  }
}

export function formatIssue(file: string, issue: DefinitionIssue): string {
  const where = issue.line === null ? file : `${file}:${issue.line}${issue.column === null ? '' : `:${issue.column}`}`;
  return issue.field === '' ? `${where}: ${issue.message}` : `${where}: ${issue.field}: ${issue.message}`;
}

/** `['method', 'steps', 0, 'at']` → `method.steps[0].at`. */
export function fieldName(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/** A parsed YAML document that can say on which line each field is. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses YAML text; a syntax error becomes an {@link ExperimentDefinitionError} with its line. */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (document.errors.length > 0) {
      throw new ExperimentDefinitionError(
        file,
        document.errors.slice(0, 10).map((error) => {
          const at = lines.linePos(error.pos[0]);
          return { field: '', line: at.line, column: at.col, message: `YAML: ${error.message.split('\n')[0]}` };
        }),
      );
    }
    return new YamlSource(file, document.toJS({ maxAliasCount: 100 }) as unknown, document, lines);
  }

  /** Line and column of the field, or of its nearest parent that is in the file (a missing field). */
  position(path: ReadonlyArray<string | number>): { line: number | null; column: number | null } {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.document.contents : this.document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const at = this.lines.linePos(node.range[0]);
        return { line: at.line, column: at.col };
      }
    }
    return { line: null, column: null };
  }

  issue(path: ReadonlyArray<string | number>, message: string): DefinitionIssue {
    return { field: fieldName(path), ...this.position(path), message };
  }
}
