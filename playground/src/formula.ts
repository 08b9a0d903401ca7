/**
 * "Your own activation": a formula in x (`x * sigmoid(x)`, `max(0.1*x, x)`) parsed by a small
 * hand-written grammar — never eval — into tensor ops, and made an activation with
 * `defineActivation` (autograd derives f′ and f″ from the ops).
 *
 *   expr   := term (("+" | "-") term)*
 *   term   := unary (("*" | "/") unary)*
 *   unary  := "-" unary | power
 *   power  := atom ("^" unary)?            (right-associative: 2^-x, x^2^3 = x^(2^3))
 *   atom   := number | "x" | name "(" expr ("," expr)* ")" | "(" expr ")"
 *
 * Functions: every elementwise activation in the `activations` table by name, exp log abs sqrt
 * sin cos tanh, and max/min of two expressions (maximum/minimum).
 */
import {
  type Activation,
  abs,
  activations,
  add,
  cos,
  defineActivation,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sin,
  sqrt,
  sub,
  type Tensor,
} from "../../src/index.js";

type Node =
  | { k: "num"; v: number }
  | { k: "x" }
  | { k: "neg"; a: Node }
  | { k: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Node; b: Node }
  | { k: "call"; name: string; args: Node[] };

/** A parse error, with the 1-based column where it was found. */
export class FormulaError extends Error {}

const UNARY: Record<string, (t: Tensor) => Tensor> = { exp, log, abs, sqrt, sin, cos };

function tableFunction(name: string): Activation | undefined {
  const a = (activations as Record<string, Activation | undefined>)[name];
  return a && Object.hasOwn(activations, name) && a.kind === "elementwise" ? a : undefined;
}

export function parseFormula(text: string): Node {
  const tokens: { t: string; at: number }[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    const tok = m[1] ?? m[2] ?? m[3];
    if (tok === undefined) break;
    const at = m.index + m[0].length - tok.length + 1;
    if (m[3] !== undefined && !"+-*/^(),".includes(tok)) throw new FormulaError(`column ${at}: unexpected "${tok}"`);
    tokens.push({ t: tok, at });
  }
  let i = 0;
  const peek = () => tokens[i]?.t;
  const where = () => (i < tokens.length ? `column ${tokens[i].at}` : "at the end");
  const expect = (t: string) => {
    if (peek() !== t) throw new FormulaError(`${where()}: expected "${t}"${i < tokens.length ? `, found "${peek()}"` : ""}`);
    i++;
  };
  const expr = (): Node => {
    let a = term();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[i++].t as "+" | "-";
      a = { k: "bin", op, a, b: term() };
    }
    return a;
  };
  const term = (): Node => {
    let a = unary();
    while (peek() === "*" || peek() === "/") {
      const op = tokens[i++].t as "*" | "/";
      a = { k: "bin", op, a, b: unary() };
    }
    return a;
  };
  const unary = (): Node => {
    if (peek() === "-") {
      i++;
      return { k: "neg", a: unary() };
    }
    if (peek() === "+") {
      i++;
      return unary();
    }
    return power();
  };
  const power = (): Node => {
    const a = atom();
    if (peek() === "^") {
      i++;
      return { k: "bin", op: "^", a, b: unary() };
    }
    return a;
  };
  const atom = (): Node => {
    const tok = tokens[i];
    if (tok === undefined) throw new FormulaError("at the end: expected a number, x, a function or (");
    if (/^[\d.]/.test(tok.t)) {
      i++;
      return { k: "num", v: Number(tok.t) };
    }
    if (tok.t === "(") {
      i++;
      const e = expr();
      expect(")");
      return e;
    }
    if (/^[A-Za-z_]/.test(tok.t)) {
      i++;
      if (tok.t === "x") return { k: "x" };
      const name = tok.t;
      const arity = name === "max" || name === "min" ? 2 : 1;
      if (arity === 1 && !UNARY[name] && !tableFunction(name)) {
        throw new FormulaError(
          `column ${tok.at}: unknown name "${name}" (x, max, min, exp, log, abs, sqrt, sin, cos, or an activation)`,
        );
      }
      expect("(");
      const args = [expr()];
      while (peek() === ",") {
        i++;
        args.push(expr());
      }
      expect(")");
      if (args.length !== arity)
        throw new FormulaError(`column ${tok.at}: ${name} takes ${arity} argument${arity > 1 ? "s" : ""}, got ${args.length}`);
      return { k: "call", name, args };
    }
    throw new FormulaError(`column ${tok.at}: unexpected "${tok.t}"`);
  };
  if (tokens.length === 0) throw new FormulaError("the formula is empty");
  const tree = expr();
  if (i < tokens.length) throw new FormulaError(`column ${tokens[i].at}: unexpected "${tokens[i].t}"`);
  return tree;
}

type Value = Tensor | number;

function evaluate(n: Node, x: Tensor): Value {
  switch (n.k) {
    case "num":
      return n.v;
    case "x":
      return x;
    case "neg": {
      const a = evaluate(n.a, x);
      return typeof a === "number" ? -a : neg(a);
    }
    case "bin": {
      const a = evaluate(n.a, x);
      const b = evaluate(n.b, x);
      if (typeof a === "number" && typeof b === "number") {
        return n.op === "+" ? a + b : n.op === "-" ? a - b : n.op === "*" ? a * b : n.op === "/" ? a / b : a ** b;
      }
      switch (n.op) {
        case "+":
          return add(a, b);
        case "-":
          return sub(a, b);
        case "*":
          return mul(a, b);
        case "/":
          return div(a, b);
        case "^":
          if (typeof b === "number") return pow(a as Tensor, b);
          return exp(mul(b, typeof a === "number" ? Math.log(a) : log(a)));
      }
      break;
    }
    case "call": {
      const vals = n.args.map((a) => evaluate(a, x));
      const asTensor = (v: Value) => (typeof v === "number" ? add(mul(x, 0), v) : v);
      if (n.name === "max") return maximum(vals[0], vals[1]);
      if (n.name === "min") return minimum(vals[0], vals[1]);
      const f = UNARY[n.name] ?? tableFunction(n.name)!;
      return f(asTensor(vals[0]));
    }
  }
  throw new FormulaError("internal: unknown node");
}

/**
 * The formula as a TypeScript expression in `x` over actigrad's free functions — the same ops, in
 * the same order, as `evaluate` runs (constants folded alike) — and the functions it calls, for
 * the snippet that rebuilds the network in Node.
 */
export function formulaSource(text: string): { code: string; imports: string[] } {
  const used = new Set<string>();
  const call = (f: string, ...args: string[]) => {
    used.add(f);
    return `${f}(${args.join(", ")})`;
  };
  const lit = (v: number) => (Object.is(v, -0) ? "-0" : String(v));
  type Code = { num: number } | { code: string };
  const code = (v: Code) => ("num" in v ? lit(v.num) : v.code);
  const asTensor = (v: Code) => ("num" in v ? call("add", call("mul", "x", "0"), lit(v.num)) : v.code);
  const BIN = { "+": "add", "-": "sub", "*": "mul", "/": "div" } as const;
  const gen = (n: Node): Code => {
    switch (n.k) {
      case "num":
        return { num: n.v };
      case "x":
        return { code: "x" };
      case "neg": {
        const a = gen(n.a);
        return "num" in a ? { num: -a.num } : { code: call("neg", a.code) };
      }
      case "bin": {
        const a = gen(n.a);
        const b = gen(n.b);
        if ("num" in a && "num" in b) {
          const [u, v] = [a.num, b.num];
          return { num: n.op === "+" ? u + v : n.op === "-" ? u - v : n.op === "*" ? u * v : n.op === "/" ? u / v : u ** v };
        }
        if (n.op !== "^") return { code: call(BIN[n.op], code(a), code(b)) };
        if ("num" in b) return { code: call("pow", code(a), lit(b.num)) };
        return { code: call("exp", call("mul", b.code, "num" in a ? lit(Math.log(a.num)) : call("log", a.code))) };
      }
      case "call": {
        const args = n.args.map(gen);
        if (n.name === "max" || n.name === "min")
          return { code: call(n.name === "max" ? "maximum" : "minimum", code(args[0]), code(args[1])) };
        if (UNARY[n.name]) return { code: call(n.name, asTensor(args[0])) };
        used.add("activations");
        return { code: `activations[${JSON.stringify(n.name)}](${asTensor(args[0])})` };
      }
    }
  };
  const top = gen(parseFormula(text));
  return { code: asTensor(top), imports: [...used].sort() };
}

const made = new Map<string, Activation>();
/** The formula text of each activation made here, by its name. */
const texts = new Map<string, string>();
let counter = 0;

/**
 * The activation for this formula: made once with defineActivation and reused when the same
 * formula (spaces aside) comes again. It is named `prefer` when that is a free `formula<n>` name
 * (a link restores the names it was written with), else the next free formula1, formula2, ….
 * Throws FormulaError for bad text.
 */
export function formulaActivation(text: string, prefer?: string): Activation {
  const key = text.replace(/\s+/g, "");
  const known = made.get(key);
  if (known) return known;
  const tree = parseFormula(text);
  let name: string;
  if (prefer !== undefined && /^formula\d+$/.test(prefer) && !Object.hasOwn(activations, prefer)) name = prefer;
  else {
    do name = `formula${++counter}`;
    while (Object.hasOwn(activations, name));
  }
  const forward = (x: Tensor): Tensor => {
    const v = evaluate(tree, x);
    return typeof v === "number" ? add(mul(x, 0), v) : v;
  };
  const act = defineActivation({
    name,
    formula: `${name}(x) = ${text.trim()}`,
    derivative: `${name}′(x) by autograd of the formula's ops`,
    forward,
  });
  made.set(key, act);
  texts.set(name, text.trim());
  return act;
}

/** The formula text of an activation made by `formulaActivation`, or undefined for any other. */
export function formulaText(name: string): string | undefined {
  return texts.get(name);
}
