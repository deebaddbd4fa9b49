// Room sizes for the UI's TypeScript (see scripts/rooms.py): files over 700
// lines and functions (declarations, methods, arrows, expressions) over 150
// lines, found with the TypeScript compiler's parser. Prints one line each.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ui = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(ui, "..");
const FILE_LIMIT = 700;
const FN_LIMIT = 150;

function* walk(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) {
      if (d.name !== "bindings") yield* walk(p);
    } else if (d.name.endsWith(".ts")) yield p;
  }
}

let bad = 0;
for (const path of walk(join(ui, "src"))) {
  const text = readFileSync(path, "utf8");
  const rel = relative(root, path);
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > FILE_LIMIT) {
    console.log(`${rel}: ${lines} lines (limit ${FILE_LIMIT})`);
    bad++;
  }
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = lineOf(node.getStart(sf));
      const length = lineOf(node.end) - start + 1;
      if (length > FN_LIMIT) {
        const name = node.name?.getText(sf) ?? "(anonymous)";
        console.log(`${rel}:${start}: function ${name} is ${length} lines (limit ${FN_LIMIT})`);
        bad++;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
process.exit(bad ? 1 : 0);
