/**
 * Combination expressions (spec §3.4.3): `A * B` is the product (rightmost parameter varies
 * fastest), `(A, B)` the association (zip) of equally long members; they nest, e.g.
 * `(Frame, Scene) * Quality` or `(Foo, Bar * Buz)`.
 */

export type CombinationNode =
  | { kind: "name"; name: string }
  | { kind: "product"; children: CombinationNode[] }
  | { kind: "assoc"; children: CombinationNode[] };

type Token = { type: "id"; text: string; at: number } | { type: "*" | "(" | ")" | ","; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([*(),]))/y;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) {
      const bad = source.slice(pos).trimStart()[0];
      throw new Error(`unexpected character "${bad}" at offset ${source.indexOf(bad!, pos)}`);
    }
    const at = m.index + m[0].length - (m[1] ?? m[2]!).length;
    tokens.push(m[1] ? { type: "id", text: m[1], at } : { type: m[2] as "*" | "(" | ")" | ",", at });
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parses a combination expression; throws an Error saying what is wrong and where. */
export function parseCombination(source: string): CombinationNode {
  const tokens = tokenize(source);
  let i = 0;
  const describeNext = () => {
    const t = tokens[i];
    return t ? `"${t.type === "id" ? t.text : t.type}" at offset ${t.at}` : "end of expression";
  };

  function product(): CombinationNode {
    const children = [element()];
    while (tokens[i]?.type === "*") {
      i++;
      children.push(element());
    }
    return children.length === 1 ? children[0]! : { kind: "product", children };
  }

  function element(): CombinationNode {
    const t = tokens[i];
    if (t?.type === "id") {
      i++;
      return { kind: "name", name: t.text };
    }
    if (t?.type === "(") {
      i++;
      const children = [product()];
      while (tokens[i]?.type === ",") {
        i++;
        children.push(product());
      }
      if (tokens[i]?.type !== ")") throw new Error(`expected "," or ")" but found ${describeNext()}`);
      i++;
      // Parentheses always make an association, as in the reference parser: "(A) * B" is refused.
      if (children.length === 1) throw new Error(`association "(${combinationToString(children[0]!)})" must have more than one term`);
      return { kind: "assoc", children };
    }
    throw new Error(`expected a parameter name or "(" but found ${describeNext()}`);
  }

  if (tokens.length === 0) throw new Error("expression is empty");
  const root = product();
  if (i < tokens.length) throw new Error(`unexpected ${describeNext()}`);
  return root;
}

export function combinationToString(node: CombinationNode): string {
  switch (node.kind) {
    case "name":
      return node.name;
    case "product":
      return node.children.map(combinationToString).join(" * ");
    case "assoc":
      return `(${node.children.map(combinationToString).join(", ")})`;
  }
}

export function combinationNames(node: CombinationNode, out: string[] = []): string[] {
  if (node.kind === "name") out.push(node.name);
  else for (const child of node.children) combinationNames(child, out);
  return out;
}

/** Every name that sits inside an association, at any depth. */
export function namesInAssociations(node: CombinationNode, inside = false, out = new Set<string>()): Set<string> {
  if (node.kind === "name") {
    if (inside) out.add(node.name);
  } else {
    for (const child of node.children) namesInAssociations(child, inside || node.kind === "assoc", out);
  }
  return out;
}
