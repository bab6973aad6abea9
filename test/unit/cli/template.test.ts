// docker's --format language (Go text/template with docker's functions) over plain values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from '../../../agent/cli/template/index.js';

const data = {
  name: 'web', id: 'abc123', pid: 4242, ratio: 0.5, running: true, exit: null, zero: 0,
  labels: { tier: 'batch', app: 'shop' }, env: ['A=1', 'B=2'], empty: [],
  nested: { spec: { memoryBytes: 67108864 } },
  Label: (key: string) => ({ tier: 'batch' } as Record<string, string>)[key] ?? '',
};
const run = (source: string, value: unknown = data, strict = false) => compileTemplate(source).execute(value, { strict });
const fails = (source: string, message: RegExp, value: unknown = data, strict = false) =>
  assert.throws(() => run(source, value, strict), message, source);

test('fields, dot, $, nested paths; text around actions is kept', () => {
  assert.equal(run('{{.name}} ({{.pid}})'), 'web (4242)');
  assert.equal(run('{{.nested.spec.memoryBytes}}'), '67108864');
  assert.equal(run('{{.}}', 'plain'), 'plain');
  assert.equal(run('{{with .nested.spec}}{{.memoryBytes}} of {{$.name}}{{end}}'), '67108864 of web');
});

test('values print like Go: lists [a b], maps with sorted keys, missing <no value>, null <nil>', () => {
  assert.equal(run('{{.env}}'), '[A=1 B=2]');
  assert.equal(run('{{.labels}}'), 'map[app:shop tier:batch]');
  assert.equal(run('{{.nope}}'), '<no value>');
  assert.equal(run('{{.exit}}'), '<nil>');
  assert.equal(run('{{.ratio}} {{.running}}'), '0.5 true');
});

test('strict mode: a field missing from an object is an error that lists the fields there are', () => {
  fails('{{.nmae}}', /at position 3: no field nmae \(there are: name, id, pid/, data, true);
  assert.equal(run('{{.name}}', data, true), 'web');
});

test('if / else if / else, with, range over lists and maps (sorted keys), range else', () => {
  const branch = '{{if eq .name "db"}}db{{else if .running}}up{{else}}down{{end}}';
  assert.equal(run(branch), 'up');
  assert.equal(run(branch, { ...data, running: false }), 'down');
  assert.equal(run(branch, { ...data, name: 'db' }), 'db');
  assert.equal(run('{{with .exit}}{{.exitCode}}{{else}}running{{end}}'), 'running');
  assert.equal(run('{{range .env}}<{{.}}>{{end}}'), '<A=1><B=2>');
  assert.equal(run('{{range $i, $e := .env}}{{$i}}:{{$e}} {{end}}'), '0:A=1 1:B=2 ');
  assert.equal(run('{{range $k, $v := .labels}}{{$k}}={{$v}};{{end}}'), 'app=shop;tier=batch;');
  assert.equal(run('{{range .empty}}x{{else}}none{{end}}'), 'none');
  assert.equal(run('{{range .exit}}x{{end}}'), '', 'range over nil: no iterations');
});

test('Go truth: 0, "", nil, empty lists and maps are false', () => {
  for (const [field, want] of [['zero', 'F'], ['exit', 'F'], ['empty', 'F'], ['name', 'T'], ['labels', 'T']]) {
    assert.equal(run(`{{if .${field}}}T{{else}}F{{end}}`), want, field);
  }
});

test('pipelines, parentheses, variables and their scope', () => {
  assert.equal(run('{{.name | upper | printf "%s!"}}'), 'WEB!');
  assert.equal(run('{{(index .env 1) | lower}}'), 'b=2');
  assert.equal(run('{{(index .nested "spec").memoryBytes}}'), '67108864');
  assert.equal(run('{{$n := .name}}{{range .env}}{{$n}}{{end}}'), 'webweb');
  fails('{{if .running}}{{$x := 1}}{{end}}{{$x}}', /undefined variable "\$x"/);
  assert.equal(run('{{if $z := .zero}}yes{{else}}else sees {{$z}}{{end}}'), 'else sees 0');
});

test('trim markers and comments', () => {
  assert.equal(run('a  {{- .name -}}  b'), 'awebb');
  assert.equal(run('{{/* a comment */}}x{{- /* trimmed */ -}} y'), 'xy');
  assert.equal(run('{{-3}}'), '-3', 'a minus without a space is a number');
});

test('docker functions: json, join, split, upper, lower, title, truncate, pad; the method Label', () => {
  assert.equal(run('{{json .labels}}'), '{"tier":"batch","app":"shop"}');
  assert.equal(run('{{json .nope}}'), 'null');
  assert.equal(run('{{join .env ","}}'), 'A=1,B=2');
  assert.equal(run('{{index (split "a:b:c" ":") 2}}'), 'c');
  assert.equal(run('{{title "hello big world"}}'), 'Hello Big World');
  assert.equal(run('{{truncate .id 3}}|{{truncate .id 99}}'), 'abc|abc123');
  assert.equal(run('[{{pad .name 1 2}}]'), '[ web  ]');
  assert.equal(run('{{.Label "tier"}}/{{.Label "x"}}'), 'batch/');
  fails('{{.Label}}', /wrong number of args for Label: want 1 got 0/);
  fails('{{.name "x"}}', /name is not a method but has arguments/);
});

test('Go builtins: and, or, not, len (bytes), index, comparisons, print, println', () => {
  assert.equal(run('{{and .running .name}}|{{and .zero .name}}|{{or .zero .exit "x"}}|{{not .zero}}'), 'web|0|x|true');
  assert.equal(run('{{len "héllo"}} {{len .env}} {{len .labels}}'), '6 2 2');
  assert.equal(run('{{index .labels "tier"}} {{index .env 0}}'), 'batch A=1');
  assert.equal(run('{{eq .pid 1 4242}} {{ne .name "web"}} {{lt 1 2}} {{ge "b" "a"}} {{gt .ratio 1}}'), 'true false true true false');
  assert.equal(run('{{print 1 2 "a" 3}}'), '1 2a3', 'fmt.Sprint spaces only between non-strings');
  assert.equal(run('{{println "a" 1}}'), 'a 1\n');
  fails('{{eq 1 "1"}}', /incompatible types for comparison: 1 and "1"/);
  fails('{{index .env 5}}', /index out of range: 5/);
  fails('{{lt .labels 1}}', /lt: cannot compare/);
});

test('printf: verbs, width, precision, flags; missing and extra arguments as Go marks them', () => {
  assert.equal(run('{{printf "%-6s|%5.1f|%03d|%q|%x|%5.2s|%t|%%|%e" .name .ratio 7 .id 255 "abcdef" true 1500000}}'),
    'web   |  0.5|007|"abc123"|ff|   ab|true|%|1.500000e+06');
  assert.equal(run('{{printf "%d %d" 1}}'), '1 %!d(MISSING)');
  assert.equal(run('{{printf "%d" 1 2}}'), '1%!(EXTRA 2)');
  assert.equal(run('{{printf "%d" "x"}}'), '%!d(string=x)');
});

test('a table header: docker functions leave the column name as it is, printf still applies', () => {
  const t = compileTemplate('{{.name | upper}}|{{truncate .id 2}}|{{printf "%-6s" .pid}}|');
  assert.equal(t.execute({ name: 'NAME', id: 'CONTAINER ID', pid: 'PID' }, { header: true }), 'NAME|CONTAINER ID|PID   |');
});

test('errors name the position and what is wrong, at parse time where Go does', () => {
  const parseFails = (source: string, message: RegExp) => assert.throws(() => compileTemplate(source), message, source);
  parseFails('{{.name', /at position 1: unclosed action/);
  parseFails('ok {{if .x}}y', /at position 4: \{\{if\}\} has no \{\{end\}\}/);
  parseFails('{{end}}', /unexpected \{\{end\}\}/);
  parseFails('{{nope .x}}', /at position 3: function "nope" not defined/);
  parseFails('{{.x | }}', /missing value for command/);
  parseFails('{{define "t"}}{{end}}', /\{\{define\}\} is not supported/);
  parseFails('{{"unterminated}}', /unterminated quoted string/);
  parseFails('{{(.x}}', /unclosed left paren/);
  parseFails('{{/* open', /unclosed comment/);
  parseFails('{{else}}', /unexpected \{\{else\}\}/);
  fails('{{.name.x}}', /can't evaluate field x in "web"/);
  fails('{{.exit.code}}', /nil value has no field code/);
  fails('{{range .ratio}}{{end}}', /range can't iterate over 0.5/);
});
