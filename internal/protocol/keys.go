package protocol

// The names below mirror js/src/constants.js, the client's one file of wire
// kinds, keys, attribute and class names, in Go spelling (KIND_JOIN is
// KindJoin). TestConstantsMatchClient parses both files and fails when they
// differ, so change them together.

// Version is the protocol version the client sends in its join.
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

// Keys the client adds to an event's values.
const (
	ValueTarget = "_target"
	ValueKey    = "key"
)

// Patch op kinds (docs/protocol.md, "Patch ops").
const (
	OpText          = 0
	OpAttr          = 1
	OpUnattr        = 2
	OpInsert        = 3
	OpInsertText    = 4
	OpInsertComment = 5
	OpInsertElement = 6
	OpRemove        = 7
	OpMove          = 8
	OpMorph         = 9
)

// Namespace names of op 6 (insertelement): of the element, and of attributes.
const (
	NSHTML  = ""
	NSSVG   = "svg"
	NSMath  = "math"
	NSXlink = "xlink"
	NSXML   = "xml"
	NSXMLNS = "xmlns"
)

// Attributes the server renders and the client reads.
const (
	AttrRoot          = "live-root"
	AttrToken         = "live-token"
	AttrIgnore        = "live-ignore"
	AttrClick         = "live-click"
	AttrChange        = "live-change"
	AttrSubmit        = "live-submit"
	AttrValuePrefix   = "live-value-"
	AttrAutoRecover   = "live-auto-recover"
	AutoRecoverIgnore = "ignore"
)

// Classes the client puts on the root to show the connection's state.
const (
	ClassLoading      = "live-loading"
	ClassConnected    = "live-connected"
	ClassDisconnected = "live-disconnected"
	ClassError        = "live-error"
)

// Classes the client puts on an element while its event awaits the reply.
const (
	ClassClickLoading  = "live-click-loading"
	ClassChangeLoading = "live-change-loading"
	ClassSubmitLoading = "live-submit-loading"
)

// StorageReload is the sessionStorage key that remembers the last reload.
const StorageReload = "templive:reload"
