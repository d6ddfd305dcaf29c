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
	KindUpload    = 4
	KindProgress  = 5
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
	KindAck    = 7
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
	// Modifier keys held during a key event: sent as "true", left out when up.
	ValueAltKey   = "altKey"
	ValueCtrlKey  = "ctrlKey"
	ValueMetaKey  = "metaKey"
	ValueShiftKey = "shiftKey"
)

// Patch op kinds (docs/protocol.md, "Patch ops"), in wire order; Op
// (op.go) says which fields each uses.
const (
	OpText          OpKind = 0  // set the data of a text or comment node
	OpAttr          OpKind = 1  // set an attribute
	OpUnattr        OpKind = 2  // remove an attribute
	OpInsert        OpKind = 3  // insert nodes parsed from HTML
	OpInsertText    OpKind = 4  // insert a text node
	OpInsertComment OpKind = 5  // insert a comment node
	OpInsertElement OpKind = 6  // insert an empty element
	OpRemove        OpKind = 7  // remove a node
	OpMove          OpKind = 8  // move a child within its parent
	OpMorph         OpKind = 9  // replace a node with the nodes its HTML parses to
	OpStream        OpKind = 10 // apply a batch to a stream container
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
	AttrClickAway     = "live-click-away"
	AttrKeydown       = "live-keydown"
	AttrKeyup         = "live-keyup"
	AttrKey           = "live-key"
	AttrFocus         = "live-focus"
	AttrBlur          = "live-blur"
	AttrWindowKeydown = "live-window-keydown"
	AttrWindowKeyup   = "live-window-keyup"
	AttrWindowFocus   = "live-window-focus"
	AttrWindowBlur    = "live-window-blur"
	AttrDebounce      = "live-debounce"
	AttrThrottle      = "live-throttle"
	AttrDisableWith   = "live-disable-with"
	// live-debounce="blur" sends when the field loses focus.
	DebounceBlur      = "blur"
	AttrValuePrefix   = "live-value-"
	AttrAutoRecover   = "live-auto-recover"
	AutoRecoverIgnore = "ignore"
)

// Stateful components (live.Component): the wrapper element of each has
// its id and AttrComponent; a binding's AttrTarget names the component its
// events go to, and an empty AttrTarget the component around it.
const (
	AttrComponent = "live-component"
	AttrTarget    = "live-target"
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
	// Every binding's loading class is its attribute's name and this suffix.
	LoadingSuffix = "-loading"
)

// StorageReload is the sessionStorage key that remembers the last reload.
const StorageReload = "templive:reload"

// StorageLogs is the localStorage key of the dev console filter (window.templive.logs):
// "tab" shows only this tab's server log records, anything else all of them.
const StorageLogs = "templive:logs"

// Client hooks and pushed events (docs/protocol.md, "Pushed events").
const (
	// live-hook="Name" attaches the hook window.templiveHooks.Name.
	AttrHook = "live-hook"
	// A pushed event named N is dispatched on window as EventPrefix + N.
	EventPrefix = "templive:"
	// Pushed event names with this prefix are the client's own, never dispatched.
	PushReserved = "live:"
	// The pushed event that plays a sound: payload {"name": sound}.
	PushSound = "live:sound"
)

// The fallback transport (docs/protocol.md, "Fallback transport"), for
// when a proxy refuses WebSockets: frames come down as server-sent events
// and go up as POSTs carrying the stream's id in this header.
const (
	StreamHeader = "Live-Stream"
	// The first server-sent event, whose data is the stream's id.
	StreamOpen = "stream"
	// The last server-sent event, whose data is [code, reason], as a close frame.
	StreamClose = "close"
	// The Content-Type of a POST that carries a binary frame (an upload's
	// chunk); any other POST carries a text frame.
	StreamBinary = "application/octet-stream"
)

// Sound effects.
const (
	// live-sounds='{"click":"/click.wav"}' declares a container's sounds.
	AttrSounds = "live-sounds"
	// The window event dispatched for every sound asked for: detail {name, played, audio}.
	EventSound = "templive:sound"
)

// Streams (docs/protocol.md, "Streams"): a container whose children the
// client owns, the batch of changes a stream container's render asks for,
// its modes, and the infinite-scroll bindings of such a container.
const (
	AttrUpdate         = "live-update"
	AttrStream         = "live-stream"
	UpdateStream       = "stream"
	UpdateAppend       = "append"
	UpdatePrepend      = "prepend"
	AttrViewportTop    = "live-viewport-top"
	AttrViewportBottom = "live-viewport-bottom"
)

// File uploads (docs/protocol.md, "Uploads").
const (
	// live-upload="name" makes a file input feed the view's upload name.
	AttrUpload = "live-upload"
	// live-drop-target="name" makes an element accept files dropped on it.
	AttrDropTarget = "live-drop-target"
	// live-upload-preview="ref" gets the entry's file as its src (an object URL).
	AttrUploadPreview = "live-upload-preview"
	// The class on a drop target while files are dragged over it.
	ClassDropActive = "live-drop-active"
	// The event dispatched on window when an upload's server-side error arrives: detail {ref, error}.
	EventUploadError = "templive:upload-error"
)

// Navigation (docs/protocol.md, "Navigation").
const (
	// A link with live-patch changes the URL and stays on the view; one
	// with live-navigate joins the next page's view over the open
	// connection. Both stay plain links without the client.
	AttrPatch    = "live-patch"
	AttrNavigate = "live-navigate"
	// A click on an element with live-flash="kind" clears that flash message.
	AttrFlash = "live-flash"
	// The client's own events: a patch, with the URL under ValueURL, and
	// the clearing of a flash, with its kind under ValueKind.
	NavPatch      = "live:patch"
	NavClearFlash = "live:clear-flash"
	ValueURL      = "u"
	ValueKind     = "kind"
	// Pushed by the server: the page's new URL (a string payload), the URL
	// to go to, the new title.
	PushPatch    = "live:patch"
	PushNavigate = "live:navigate"
	PushTitle    = "live:title"
	// Dispatched on window around a patch or a navigation, for a progress
	// bar: detail {kind, to}.
	EventLoadingStart = "templive:page-loading-start"
	EventLoadingStop  = "templive:page-loading-stop"
)

// JS command ops: a chain is [[op, args], ...] (live/js).
const (
	CmdAddClass    = "add_class"
	CmdRemoveClass = "remove_class"
	CmdToggleClass = "toggle_class"
	CmdShow        = "show"
	CmdHide        = "hide"
	CmdToggle      = "toggle"
	CmdSetAttr     = "set_attr"
	CmdRemoveAttr  = "remove_attr"
	CmdToggleAttr  = "toggle_attr"
	CmdFocus       = "focus"
	CmdFocusFirst  = "focus_first"
	CmdPushFocus   = "push_focus"
	CmdPopFocus    = "pop_focus"
	CmdDispatch    = "dispatch"
	CmdSend        = "send"
	CmdExec        = "exec"
	CmdPlaySound   = "play_sound"
	// navigate and patch follow a URL as a live-navigate or live-patch link does.
	CmdNavigate = "navigate"
	CmdPatch    = "patch"
)

// Keys of a JS command's args object.
const (
	ArgNames      = "names"
	ArgEvent      = "event"
	ArgAttr       = "attr"
	ArgVal        = "val"
	ArgAlt        = "alt"
	ArgTo         = "to"
	ArgClosest    = "closest"
	ArgInner      = "inner"
	ArgTime       = "time"
	ArgTransition = "transition"
	ArgIn         = "in"
	ArgOut        = "out"
	ArgDisplay    = "display"
	ArgValue      = "value"
	ArgSound      = "sound"
	// The URL of navigate and patch, and whether it replaces the history entry.
	ArgHref    = "href"
	ArgReplace = "replace"
)

// Bindings that run JS command chains on an element's life and the page's.
const (
	// live-mounted: when the element appears (page load, or added by a patch).
	AttrMounted = "live-mounted"
	// live-remove: just before a patch removes the element.
	AttrRemove = "live-remove"
	// live-connected, live-disconnected: when the connection joins, drops.
	AttrConnected    = "live-connected"
	AttrDisconnected = "live-disconnected"
	// live-confirm="Sure?": a click or submit binding asks confirm() first.
	AttrConfirm = "live-confirm"
	// live-ignore-attributes="open style": patches leave these attributes alone.
	AttrIgnoreAttributes = "live-ignore-attributes"
	// live-focus-wrap: Tab and Shift+Tab cycle within the container.
	AttrFocusWrap = "live-focus-wrap"
)
