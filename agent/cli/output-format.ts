// docker's --format for commands that print a list: `table` (the command's own table, the
// default), `json` (one JSON object per line), `table TEMPLATE` (a header row made from the column
// names, then a row per item, aligned like docker's tabwriter) or a Go template (its output per
// item, one per line). Templates run in strict mode: a misspelt field is an error naming the fields.
import { usageError } from './args.js';
import { alignCells } from './format.js';
import { compileTemplate, TemplateError, type ExecuteOptions, type Template } from './template/index.js';

export type ListFormat =
  | { kind: 'table' }
  | { kind: 'json' }
  | { kind: 'template'; template: Template; source: string; table: boolean };

/** A format renderList prints: every one but the command's own table. */
export type ItemFormat = Exclude<ListFormat, { kind: 'table' }>;

export function parseListFormat(command: string, value: string | undefined): ListFormat {
  if (value === undefined || value === '' || value === 'table') return { kind: 'table' };
  if (value === 'json') return { kind: 'json' };
  const table = value.startsWith('table');
  // docker reads `\t` and `\n` typed in the shell as a tab and a newline.
  const source = (table ? value.slice('table'.length) : value).replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  return { kind: 'template', template: guarded(command, source, () => compileTemplate(source)), source, table };
}

/** The items as --format asks, for every format but the command's own table. */
export function renderList(command: string, format: ItemFormat, items: object[], headers: object): string {
  if (format.kind === 'json') return items.map((item) => `${JSON.stringify(item)}\n`).join('');
  const run = (value: object, opts: ExecuteOptions) => guarded(command, format.source, () => format.template.execute(value, opts));
  const outputs = items.map((item) => run(item, { strict: true }));
  if (!format.table) return outputs.map((o) => `${o}\n`).join('');
  const text = [run(headers, { strict: true, header: true }), ...outputs].join('\n');
  return `${alignCells(text.split('\n').map((line) => line.split('\t')))}\n`;
}

/**
 * `--format` of a command that prints whole objects (inspect, events): `json`, one object per line,
 * or a Go template taken as typed (docker does not rewrite `\t` there) over the object as Go reads a
 * map: a missing key is <no value>, not an error. Undefined without --format. A bad template is
 * refused here, before anything is asked or printed.
 */
export function objectFormat(command: string, value: string | undefined): ((item: object) => string) | undefined {
  if (value === undefined) return undefined;
  if (value === 'json') return (item) => JSON.stringify(item);
  const template = guarded(command, value, () => compileTemplate(value));
  return (item) => guarded(command, value, () => template.execute(item));
}

/** A template error as a usage error of --format that shows the template. */
function guarded<T>(command: string, source: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof TemplateError) throw usageError(command, `--format: template ${JSON.stringify(source)}: ${err.message}`, '--format');
    throw err;
  }
}
