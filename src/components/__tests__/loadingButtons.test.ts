/**
 * Taro's h5 Button is a Stencil element that, when `loading`, puts its spinner before a slot it keeps
 * track of by reference. A label that React rewrites in place replaces those nodes, and the next change of
 * `loading` then fails with 「insertBefore … NotFoundError」 (seen on 申请售后 and the panel, issue 17).
 * So a Button with `loading` has a fixed label, keeps a changing one inside an element of its own (the
 * Button's children then never change), or is keyed by its label so a new label is a new Button.
 */
import fs from 'fs';
import path from 'path';
import ts from 'typescript';

const SRC = path.join(__dirname, '..', '..');

function tsxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__tests__' || e.name === 'node_modules' ? [] : tsxFiles(p);
    return e.name.endsWith('.tsx') ? [p] : [];
  });
}

/** Every `<Button loading=…>` whose label can change in place, as `file:line`. */
export function unsafeLoadingButtons(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isJsxElement(node) && node.openingElement.tagName.getText(source) === 'Button') {
      const names = node.openingElement.attributes.properties.map((a) => (ts.isJsxAttribute(a) ? a.name.getText(source) : '...'));
      const dynamic = node.children.some((c) => ts.isJsxExpression(c) && c.expression !== undefined);
      if (names.includes('loading') && !names.includes('key') && dynamic) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${path.relative(SRC, file)}:${line + 1}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('Buttons with a loading spinner (h5)', () => {
  it('have a fixed label, keep a changing one in an element, or are keyed by it', () => {
    const files = tsxFiles(SRC);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => unsafeLoadingButtons(f))).toEqual([]);
  });

  it('finds a label that changes in place, and accepts a keyed or fixed one', () => {
    const changing = `const a = <Button loading={busy}>{busy ? '提交中' : '提交申请'}</Button>;`;
    const keyed = `const a = <Button key={label} loading={busy}>{label}</Button>;`;
    const fixed = `const a = <Button loading={busy} onClick={() => go()}>提交申请</Button>;`;
    const wrapped = `const a = <Button loading={busy}><Text>{busy ? '处理中' : '批量同意'}</Text></Button>;`;
    expect(unsafeLoadingButtons('x.tsx', wrapped)).toEqual([]);
    expect(unsafeLoadingButtons('x.tsx', changing)).toEqual(['x.tsx:1'.replace('x.tsx', path.relative(SRC, 'x.tsx'))]);
    expect(unsafeLoadingButtons('x.tsx', keyed)).toEqual([]);
    expect(unsafeLoadingButtons('x.tsx', fixed)).toEqual([]);
  });
});
