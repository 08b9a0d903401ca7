/**
 * Every public export has an example (issue 16): reads the reflection tree TypeDoc writes
 * (`docs/site/api.json`, made by `npm run docs`) and fails, listing them with their source
 * file, if any export — function, class, variable, namespace, interface or type alias, at the
 * top level or inside a namespace — has no `@example` in its doc comment. TypeDoc itself
 * already fails the build on an undocumented export (typedoc.json, validation.notDocumented);
 * the examples are then run, as snippets, by `npm run test:docs`.
 *
 *   npm run docs                                     builds the site and runs this check
 *   npx tsx scripts/check-examples.ts [api.json] [--list]   (--list: print every export and its file)
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./run-snippets.js";

interface Comment {
  summary?: { text: string }[];
  blockTags?: { tag: string }[];
}

interface Reflection {
  name: string;
  kind: number;
  comment?: Comment;
  signatures?: { comment?: Comment; sources?: { fileName: string }[] }[];
  sources?: { fileName: string }[];
  children?: Reflection[];
}

/** TypeDoc's ReflectionKind values that are exports in their own right. */
const KINDS: Record<number, string> = {
  4: "namespace",
  8: "enum",
  32: "variable",
  64: "function",
  128: "class",
  256: "interface",
  2097152: "type alias",
  4194304: "reference",
};
const MODULE = 2;
const NAMESPACE = 4;

export interface ExportEntry {
  name: string;
  kind: string;
  file: string;
  hasExample: boolean;
}

function comments(r: Reflection): Comment[] {
  return [r.comment, ...(r.signatures ?? []).map((s) => s.comment)].filter((c): c is Comment => c !== undefined);
}

/** Every export of the reflection tree, with whether its doc comment holds an `@example`. */
export function exportsOf(root: Reflection): ExportEntry[] {
  const out: ExportEntry[] = [];
  const walk = (r: Reflection, prefix: string) => {
    for (const c of r.children ?? []) {
      if (c.kind === MODULE) {
        walk(c, "");
        continue;
      }
      const kind = KINDS[c.kind];
      if (kind === undefined || kind === "reference") continue;
      const file = c.sources?.[0]?.fileName ?? c.signatures?.[0]?.sources?.[0]?.fileName ?? "?";
      const name = prefix + c.name;
      const hasExample = comments(c).some((m) => (m.blockTags ?? []).some((t) => t.tag === "@example"));
      out.push({ name, kind, file, hasExample });
      if (c.kind === NAMESPACE) walk(c, `${name}.`);
    }
  };
  walk(root, "");
  return out;
}

function main(argv: string[]): number {
  const list = argv.includes("--list");
  const path = resolve(repoRoot, argv.find((a) => !a.startsWith("--")) ?? "docs/site/api.json");
  if (!existsSync(path)) {
    console.error(`${path} is missing: run \`npm run docs\` (TypeDoc writes it beside the site)`);
    return 1;
  }
  const entries = exportsOf(JSON.parse(readFileSync(path, "utf8")) as Reflection);
  const missing = entries.filter((e) => !e.hasExample);
  if (list)
    for (const e of entries)
      console.log(`${e.hasExample ? "ok     " : "MISSING"}  ${e.kind.padEnd(10)} ${e.name}  (src/${e.file})`);
  for (const e of missing) if (!list) console.log(`no @example: ${e.kind} ${e.name}  (src/${e.file})`);
  console.log(`exports: ${entries.length}, documented by TypeDoc's check, ${entries.length - missing.length} with an example`);
  return missing.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(repoRoot, "scripts/check-examples.ts")) {
  process.exit(main(process.argv.slice(2)));
}
