package protocol

// Version is the protocol version a client sends in its join.
const Version = 1

// Kinds of frames sent by the client.
const (
	KindJoin      = 0
	KindEvent     = 1
	KindHeartbeat = 2
	KindResync    = 3
)

// Kinds of frames sent by the server.
const (
	KindReply  = 0
	KindPatch  = 1
	KindPong   = 2
	KindError  = 3
	KindReload = 4
	KindPush   = 5
	KindLog    = 6
)

// Keys of the join object.
const (
	KeyVersion = "v"
	KeyToken   = "t"
	KeyURL     = "u"
	KeyApplied = "n"
	KeyForms   = "f"
)

// Event value keys the client adds to an event's values.
const (
	ValueTarget = "_target" // the form field whose change fired a change event
	ValueKey    = "key"     // the key of a key event
)

// Attribute names the server renders and the client reads.
const (
	AttrRoot  = "live-root"
	AttrToken = "live-token"
)
