// Lists what is over the size the style guide aims for: modules over 300 lines and functions over
// 60 in src/. `node scripts/sizes.mjs` prints them; test/architecture/sizes.test.ts keeps the list
// from growing. A function is a `function` declaration or expression, a method, a constructor, an
// accessor or an arrow function, measured from its first line to its last (comments above it not
// counted); nested functions are measured on their own too. Read with the TypeScript compiler's
// parser, so strings, comments and template literals cannot fool the count.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_MODULE_LINES = 300;
export const MAX_FUNCTION_LINES = 60;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} dir @returns {string[]} */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
    })
    .sort();
}

/** Lines as `wc -l` counts them, plus a last line without a newline. */
function lineCount(text) {
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** The name a function goes by: its own, the const or property it is assigned to, or `<anonymous>`. */
function nameOf(node) {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) || ts.isStringLiteral(node.name))) return node.name.text;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '<anonymous>';
}

const isFunction = (node) =>
  ts.isFunctionDeclaration(node) ||
  ts.isFunctionExpression(node) ||
  ts.isArrowFunction(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

/**
 * Every function in one file with its length; `id` names it by the classes, objects and functions
 * around it (`DraftsStore.append`, `buildProgram.<anonymous>`), so it stays the same when lines
 * move. A second function of the same name in the same place gets `#2`.
 * @param {string} file path relative to the repo root
 * @param {string} text
 * @returns {{ id: string, file: string, line: number, lines: number }[]}
 */
export function functionsIn(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const seen = new Map();
  const visit = (node, scope) => {
    let inner = scope;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) inner = [...scope, node.name?.text ?? '<class>'];
    // An object literal's methods go by the const it is assigned to: `const table = { run() {} }`.
    if (ts.isObjectLiteralExpression(node) && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) inner = [...scope, node.parent.name.text];
    if (isFunction(node)) {
      inner = [...scope, nameOf(node)];
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const base = `${file}#${inner.join('.')}`;
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      found.push({ id: count === 1 ? base : `${base}#${count}`, file, line: first, lines: last - first + 1 });
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(source, []);
  return found;
}

/**
 * What in src/ is over the limits, longest first.
 * @returns {{ modules: { id: string, lines: number }[], functions: { id: string, file: string, line: number, lines: number }[] }}
 */
export function oversized(root = repoRoot) {
  const modules = [];
  const functions = [];
  for (const full of sourceFiles(path.join(root, 'src'))) {
    const file = path.relative(root, full).split(path.sep).join('/');
    const text = readFileSync(full, 'utf8');
    const lines = lineCount(text);
    if (lines > MAX_MODULE_LINES) modules.push({ id: file, lines });
    for (const fn of functionsIn(file, text)) if (fn.lines > MAX_FUNCTION_LINES) functions.push(fn);
  }
  const longestFirst = (a, b) => b.lines - a.lines || a.id.localeCompare(b.id);
  return { modules: modules.sort(longestFirst), functions: functions.sort(longestFirst) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `node scripts/sizes.mjs [DIR]`: DIR is another checkout to measure (default: this one).
  const { modules, functions } = oversized(process.argv[2] ? path.resolve(process.argv[2]) : repoRoot);
  console.log(`modules over ${MAX_MODULE_LINES} lines: ${modules.length}`);
  for (const m of modules) console.log(`  ${String(m.lines).padStart(5)}  ${m.id}`);
  console.log(`functions over ${MAX_FUNCTION_LINES} lines: ${functions.length}`);
  for (const f of functions) console.log(`  ${String(f.lines).padStart(5)}  ${f.id}  (${f.file}:${f.line})`);
}
