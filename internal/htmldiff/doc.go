// Package htmldiff parses rendered HTML, diffs two renders into patch ops and
// applies ops to a tree.
//
// The ops are the "Patch ops" of docs/protocol.md, protocol.Op values: Diff
// produces them from two trees returned by Parse, protocol.AppendOps and
// protocol.DecodeOps carry them over the wire, and Apply is the Go twin of
// the browser client's patcher, used by tests and by the in-process test
// client.
//
// # Correctness
//
// For any two fragments a and b, applying Diff(nil, Parse(a), Parse(b)) to
// Parse(a) yields a tree Equal to Parse(b). Diff only sends HTML (insert and
// morph ops) after checking that the HTML, parsed in the context of the
// element that will receive it, gives back exactly the nodes it stands for;
// when it would not (adoption-agency and foster-parenting results, foreign
// content breakouts, ...), it builds the nodes one by one with
// insertelement, inserttext and insertcomment instead.
//
// # Templates
//
// x/net/html keeps a <template>'s content as the element's children. Paths
// and child indexes do the same: inside a <template> they address its
// content (template.content.childNodes in a browser). Elements inside a
// template are never targets, because getElementById does not see them.
//
// # Security
//
// Text travels as text: text and comment data and attribute values are never
// parsed as HTML by the ops that carry them. HTML is only sent in insert and
// morph ops, produced by html.Render from the parsed new tree, so everything
// the renderer escaped stays escaped.
package htmldiff
