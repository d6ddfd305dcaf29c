// Every attribute name, class name, frame kind, op kind and wire key of the
// client, in one place. internal/protocol mirrors these under the same names
// in Go spelling (KIND_JOIN is KindJoin) and a Go test parses this file, so
// keep its form: one `export const NAME = value;` per line, the value a number
// or a double-quoted string without escapes; comments on lines of their own.

// VERSION is the protocol version the client sends in its join.
export const VERSION = 1;

// Kinds of frames sent by the client.
export const KIND_JOIN = 0;
export const KIND_EVENT = 1;
export const KIND_HEARTBEAT = 2;
export const KIND_RESYNC = 3;
export const KIND_UPLOAD = 4;
export const KIND_PROGRESS = 5;

// Kinds of frames sent by the server.
export const KIND_REPLY = 0;
export const KIND_PATCH = 1;
export const KIND_PONG = 2;
export const KIND_ERROR = 3;
export const KIND_RELOAD = 4;
export const KIND_PUSH = 5;
export const KIND_LOG = 6;
export const KIND_ACK = 7;

// Keys of the join object.
export const KEY_VERSION = "v";
export const KEY_TOKEN = "t";
export const KEY_URL = "u";
export const KEY_APPLIED = "n";
export const KEY_FORMS = "f";

// Keys the client adds to an event's values.
export const VALUE_TARGET = "_target";
export const VALUE_KEY = "key";
// Modifier keys held during a key event: sent as "true", left out when up.
export const VALUE_ALT_KEY = "altKey";
export const VALUE_CTRL_KEY = "ctrlKey";
export const VALUE_META_KEY = "metaKey";
export const VALUE_SHIFT_KEY = "shiftKey";

// Patch op kinds (docs/protocol.md, "Patch ops").
export const OP_TEXT = 0;
export const OP_ATTR = 1;
export const OP_UNATTR = 2;
export const OP_INSERT = 3;
export const OP_INSERT_TEXT = 4;
export const OP_INSERT_COMMENT = 5;
export const OP_INSERT_ELEMENT = 6;
export const OP_REMOVE = 7;
export const OP_MOVE = 8;
export const OP_MORPH = 9;
export const OP_STREAM = 10;

// Namespace names of op 6 (insertelement): of the element, and of attributes.
export const NS_HTML = "";
export const NS_SVG = "svg";
export const NS_MATH = "math";
export const NS_XLINK = "xlink";
export const NS_XML = "xml";
export const NS_XMLNS = "xmlns";

// Attributes the server renders and the client reads.
export const ATTR_ROOT = "live-root";
export const ATTR_TOKEN = "live-token";
export const ATTR_IGNORE = "live-ignore";
export const ATTR_CLICK = "live-click";
export const ATTR_CHANGE = "live-change";
export const ATTR_SUBMIT = "live-submit";
export const ATTR_CLICK_AWAY = "live-click-away";
export const ATTR_KEYDOWN = "live-keydown";
export const ATTR_KEYUP = "live-keyup";
export const ATTR_KEY = "live-key";
export const ATTR_FOCUS = "live-focus";
export const ATTR_BLUR = "live-blur";
export const ATTR_WINDOW_KEYDOWN = "live-window-keydown";
export const ATTR_WINDOW_KEYUP = "live-window-keyup";
export const ATTR_WINDOW_FOCUS = "live-window-focus";
export const ATTR_WINDOW_BLUR = "live-window-blur";
export const ATTR_DEBOUNCE = "live-debounce";
export const ATTR_THROTTLE = "live-throttle";
export const ATTR_DISABLE_WITH = "live-disable-with";
// live-debounce="blur" sends when the field loses focus.
export const DEBOUNCE_BLUR = "blur";
export const ATTR_VALUE_PREFIX = "live-value-";
export const ATTR_AUTO_RECOVER = "live-auto-recover";
export const AUTO_RECOVER_IGNORE = "ignore";

// Stateful components (live.Component): the wrapper element of each has
// its id and ATTR_COMPONENT; a binding's ATTR_TARGET names the component its
// events go to, and an empty ATTR_TARGET the component around it.
export const ATTR_COMPONENT = "live-component";
export const ATTR_TARGET = "live-target";

// Classes the client puts on the root to show the connection's state.
export const CLASS_LOADING = "live-loading";
export const CLASS_CONNECTED = "live-connected";
export const CLASS_DISCONNECTED = "live-disconnected";
export const CLASS_ERROR = "live-error";

// Classes the client puts on an element while its event awaits the reply.
export const CLASS_CLICK_LOADING = "live-click-loading";
export const CLASS_CHANGE_LOADING = "live-change-loading";
export const CLASS_SUBMIT_LOADING = "live-submit-loading";
// Every binding's loading class is its attribute's name and this suffix.
export const LOADING_SUFFIX = "-loading";

// STORAGE_RELOAD is the sessionStorage key that remembers the last reload.
export const STORAGE_RELOAD = "templive:reload";

// STORAGE_LOGS is the localStorage key of the dev console filter (window.templive.logs):
// "tab" shows only this tab's server log records, anything else all of them.
export const STORAGE_LOGS = "templive:logs";

// Client hooks and pushed events (docs/protocol.md, "Pushed events").
// live-hook="Name" attaches the hook window.templiveHooks.Name.
export const ATTR_HOOK = "live-hook";
// A pushed event named N is dispatched on window as EVENT_PREFIX + N.
export const EVENT_PREFIX = "templive:";
// Pushed event names with this prefix are the client's own, never dispatched.
export const PUSH_RESERVED = "live:";
// The pushed event that plays a sound: payload {"name": sound}.
export const PUSH_SOUND = "live:sound";

// The fallback transport (docs/protocol.md, "Fallback transport"), for
// when a proxy refuses WebSockets: frames come down as server-sent events
// and go up as POSTs carrying the stream's id in this header.
export const STREAM_HEADER = "Live-Stream";
// The first server-sent event, whose data is the stream's id.
export const STREAM_OPEN = "stream";
// The last server-sent event, whose data is [code, reason], as a close frame.
export const STREAM_CLOSE = "close";
// The Content-Type of a POST that carries a binary frame (an upload's
// chunk); any other POST carries a text frame.
export const STREAM_BINARY = "application/octet-stream";

// Sound effects: live-sounds='{"click":"/click.wav"}' declares a container's sounds.
export const ATTR_SOUNDS = "live-sounds";
// The window event dispatched for every sound asked for: detail {name, played, audio}.
export const EVENT_SOUND = "templive:sound";

// Streams (docs/protocol.md, "Streams"): a container whose children the
// client owns, the batch of changes a stream container's render asks for,
// its modes, and the infinite-scroll bindings of such a container.
export const ATTR_UPDATE = "live-update";
export const ATTR_STREAM = "live-stream";
export const UPDATE_STREAM = "stream";
export const UPDATE_APPEND = "append";
export const UPDATE_PREPEND = "prepend";
export const ATTR_VIEWPORT_TOP = "live-viewport-top";
export const ATTR_VIEWPORT_BOTTOM = "live-viewport-bottom";

// File uploads (docs/protocol.md, "Uploads").
// live-upload="name" makes a file input feed the view's upload name.
export const ATTR_UPLOAD = "live-upload";
// live-drop-target="name" makes an element accept files dropped on it.
export const ATTR_DROP_TARGET = "live-drop-target";
// live-upload-preview="ref" gets the entry's file as its src (an object URL).
export const ATTR_UPLOAD_PREVIEW = "live-upload-preview";
// The class on a drop target while files are dragged over it.
export const CLASS_DROP_ACTIVE = "live-drop-active";
// The event dispatched on window when an upload's server-side error arrives: detail {ref, error}.
export const EVENT_UPLOAD_ERROR = "templive:upload-error";

// Navigation (docs/protocol.md, "Navigation"). A link with live-patch changes
// the URL and stays on the view; one with live-navigate joins the next page's
// view over the open connection. Both stay plain links without the client.
export const ATTR_PATCH = "live-patch";
export const ATTR_NAVIGATE = "live-navigate";
// A click on an element with live-flash="kind" clears that flash message.
export const ATTR_FLASH = "live-flash";
// The client's own events: a patch, with the URL under VALUE_URL, and the
// clearing of a flash, with its kind under VALUE_KIND.
export const NAV_PATCH = "live:patch";
export const NAV_CLEAR_FLASH = "live:clear-flash";
export const VALUE_URL = "u";
export const VALUE_KIND = "kind";
// Pushed by the server: the page's new URL (a string payload), the URL to go to, the new title.
export const PUSH_PATCH = "live:patch";
export const PUSH_NAVIGATE = "live:navigate";
export const PUSH_TITLE = "live:title";
// Dispatched on window around a patch or a navigation, for a progress bar: detail {kind, to}.
export const EVENT_LOADING_START = "templive:page-loading-start";
export const EVENT_LOADING_STOP = "templive:page-loading-stop";

// JS command ops: a chain is [[op, args], ...] (live/js).
export const CMD_ADD_CLASS = "add_class";
export const CMD_REMOVE_CLASS = "remove_class";
export const CMD_TOGGLE_CLASS = "toggle_class";
export const CMD_SHOW = "show";
export const CMD_HIDE = "hide";
export const CMD_TOGGLE = "toggle";
export const CMD_SET_ATTR = "set_attr";
export const CMD_REMOVE_ATTR = "remove_attr";
export const CMD_TOGGLE_ATTR = "toggle_attr";
export const CMD_FOCUS = "focus";
export const CMD_FOCUS_FIRST = "focus_first";
export const CMD_PUSH_FOCUS = "push_focus";
export const CMD_POP_FOCUS = "pop_focus";
export const CMD_DISPATCH = "dispatch";
export const CMD_SEND = "send";
export const CMD_EXEC = "exec";
export const CMD_PLAY_SOUND = "play_sound";
// navigate and patch follow a URL as a live-navigate or live-patch link does.
export const CMD_NAVIGATE = "navigate";
export const CMD_PATCH = "patch";

// Keys of a JS command's args object.
export const ARG_NAMES = "names";
export const ARG_EVENT = "event";
export const ARG_ATTR = "attr";
export const ARG_VAL = "val";
export const ARG_ALT = "alt";
export const ARG_TO = "to";
export const ARG_CLOSEST = "closest";
export const ARG_INNER = "inner";
export const ARG_TIME = "time";
export const ARG_TRANSITION = "transition";
export const ARG_IN = "in";
export const ARG_OUT = "out";
export const ARG_DISPLAY = "display";
export const ARG_VALUE = "value";
export const ARG_SOUND = "sound";
// The URL of navigate and patch, and whether it replaces the history entry.
export const ARG_HREF = "href";
export const ARG_REPLACE = "replace";

// Bindings that run JS command chains on an element's life and the page's.
// live-mounted: when the element appears (page load, or added by a patch).
export const ATTR_MOUNTED = "live-mounted";
// live-remove: just before a patch removes the element.
export const ATTR_REMOVE = "live-remove";
// live-connected, live-disconnected: when the connection joins, drops.
export const ATTR_CONNECTED = "live-connected";
export const ATTR_DISCONNECTED = "live-disconnected";
// live-confirm="Sure?": a click or submit binding asks confirm() first.
export const ATTR_CONFIRM = "live-confirm";
// live-ignore-attributes="open style": patches leave these attributes alone.
export const ATTR_IGNORE_ATTRIBUTES = "live-ignore-attributes";
// live-focus-wrap: Tab and Shift+Tab cycle within the container.
export const ATTR_FOCUS_WRAP = "live-focus-wrap";
