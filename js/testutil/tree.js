// Tree dumps: a text form of a DOM in the spirit of the html5lib
// tree-construction format, so that two DOMs compare structurally (node
// types, tag names with their namespace, attributes as a sorted set, text and
// comment data) and so that a spec parser's tree can be rebuilt here.
//
// One line per node, "| " then two spaces per level:
//   <div>            an HTML element; <svg g> and <math mi> for SVG, MathML
//     class="x"      its attributes, one level deeper, sorted; namespaced
//                    ones by qualified name (xlink:href="#a")
//     "text"         a text node, as a JSON string
//     <!-- "c" -->   a comment, its data as a JSON string
//   <template>
//     content        a template's content; its nodes two levels deeper
const NS = {
  "http://www.w3.org/2000/svg": "svg",
  "http://www.w3.org/1998/Math/MathML": "math",
};
const URI = {
  "": "http://www.w3.org/1999/xhtml",
  svg: "http://www.w3.org/2000/svg",
  math: "http://www.w3.org/1998/Math/MathML",
};
const ATTR_URI = {
  xlink: "http://www.w3.org/1999/xlink",
  xml: "http://www.w3.org/XML/1998/namespace",
  xmlns: "http://www.w3.org/2000/xmlns/",
};

const isTemplate = (n) => n.localName === "template" && n.namespaceURI === URI[""];

// dump returns the dump of parent's children.
export function dump(parent) {
  const lines = [];
  walk(parent, 0, lines);
  return lines.join("\n");
}

function walk(parent, depth, lines) {
  const pad = "| " + "  ".repeat(depth);
  const box = isTemplate(parent) ? parent.content : parent;
  for (const n of box.childNodes) {
    if (n.nodeType === 3) {
      lines.push(`${pad}${JSON.stringify(n.data)}`);
    } else if (n.nodeType === 8) {
      lines.push(`${pad}<!-- ${JSON.stringify(n.data)} -->`);
    } else if (n.nodeType === 1) {
      const ns = NS[n.namespaceURI];
      lines.push(`${pad}<${ns ? ns + " " : ""}${n.localName}>`);
      const attrs = Array.from(n.attributes, (a) => `${pad}  ${a.name}=${JSON.stringify(a.value)}`);
      lines.push(...attrs.sort());
      if (isTemplate(n)) lines.push(`${pad}  content`);
      walk(n, depth + (isTemplate(n) ? 2 : 1), lines);
    } else {
      lines.push(`${pad}<?node type ${n.nodeType}>`);
    }
  }
}

// build appends to parent the nodes a dump describes.
export function build(parent, text) {
  const doc = parent.ownerDocument;
  const stack = [parent]; // stack[d] receives the nodes of depth d
  let last = null; // the last element, which receives attribute lines
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const m = /^\| ((?: {2})*)(.*)$/.exec(line);
    if (!m) throw new Error(`tree: bad line ${JSON.stringify(line)}`);
    const depth = m[1].length / 2;
    const item = m[2];
    let node = null;
    if (item.startsWith('"')) {
      node = doc.createTextNode(JSON.parse(item));
    } else if (item.startsWith("<!-- ")) {
      node = doc.createComment(JSON.parse(item.slice(5, -4)));
    } else if (item.startsWith("<")) {
      const [a, b] = item.slice(1, -1).split(" ");
      node = b ? doc.createElementNS(URI[a], b) : doc.createElementNS(URI[""], a);
    } else if (item === "content") {
      stack[depth + 1] = last.content;
      continue;
    } else {
      const eq = item.indexOf("=");
      const name = item.slice(0, eq);
      const value = JSON.parse(item.slice(eq + 1));
      const colon = name.indexOf(":");
      if (colon > 0 && ATTR_URI[name.slice(0, colon)]) last.setAttributeNS(ATTR_URI[name.slice(0, colon)], name, value);
      else last.setAttribute(name, value);
      continue;
    }
    stack[depth].appendChild(node);
    stack.length = depth + 1;
    stack[depth + 1] = node;
    if (node.nodeType === 1) last = node;
  }
  return parent;
}
