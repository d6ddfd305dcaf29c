// Package livetest tests live views in-process, with go test and without a
// browser: a page is opened through the real live.Handler, its live
// connection speaks the real protocol, and the HTML a test sees is the
// server's page patched by the server's frames, as the browser client
// patches it, JS commands included.
//
//	func TestCounter(t *testing.T) {
//		p := livetest.Open(t, live.NewHandler(counter.New, nil), "/counter")
//		p.Click("#inc")
//		if got := p.Text("#count"); got != "1" {
//			t.Errorf("count = %q, want 1", got)
//		}
//	}
//
// # Pages and servers
//
// NewServer serves any http.Handler over in-memory connections (net.Pipe:
// no port, no network) and Open opens a page of it, as a browser tab does:
// it GETs the page, parses the HTML as a browser does, reads its
// stylesheets, opens the WebSocket on the same URL with the page's origin
// and cookies, and joins. Open(t, h, path) does both for one page. Several
// pages of one Server are tabs of one browser (a chat between two tabs).
// Everything ends with the test: pages disconnect, the handler is closed
// if it has a Close method, and no goroutine is left behind.
//
// # Table tests and leaks
//
// A table test shares one Server between its rows: Server.OpenIn(t, path)
// opens a page for the subtest t, reports its failures there and closes it
// when that subtest ends.
//
//	s := livetest.NewServer(t, h)
//	for _, tt := range tests {
//		t.Run(tt.name, func(t *testing.T) {
//			p := s.OpenIn(t, "/counter")
//			...
//		})
//	}
//
// Main, called from TestMain, fails the test binary if its tests leave a
// goroutine running (a view's timer, task or subscription that outlived
// it); VerifyNone is the same check for a TestMain of your own.
//
//	func TestMain(m *testing.M) { livetest.Main(m) }
//
// # What a user does
//
// Every method that acts finds its element with a CSS selector and does
// what a user's action does in the browser, through the same bindings and
// with the same values as the client (js/src/events.js):
//
//	Click(sel)           live-click (and live-click-away elsewhere), checkboxes, submit buttons,
//	                     live-flash, and links: followed as the browser does (see URL)
//	Change(sel, v...)    types into a field: its form's live-change, with _target
//	Submit(sel)          a form's live-submit, with its fields (and the submit button's)
//	KeyDown/KeyUp(sel, key)  live-keydown/keyup, live-window-keydown/keyup, live-key filters
//	Focus/Blur(sel)      live-focus, live-blur; "" for the window's focus and blur
//	Hook(sel, event, payload)  a live-hook's pushEvent, returning the view's Reply
//	ScrollToBottom/ScrollToTop(sel)  brings a stream's last/first item into view: live-viewport-bottom/top
//
// An event goes where the client sends it: to the stateful component its
// binding's live-target names (an empty live-target: the component around
// the element), else to the view. ComponentHTML(id) reads what a
// component shows.
//
// Each returns once the server has answered every event it sent, and
// applied what came with the answers: the patch, and the events the view
// pushed (Pushes and Dispatched make sure of the pushes that follow an
// answer). So the next line of the test sees the result, with no sleep and
// no polling. Debounce and throttle do not apply in tests: each action
// sends its event at once. The handler's rate limit ([live.Options.EventRate])
// applies as it does to a browser: a test that sends more than its burst
// at once (100 events by default) sees "rate limited" errors; turn the
// limit off in such a test's handler.
//
// # What the page shows
//
// HTML returns the live root's HTML; Find runs a goquery query on the whole
// document; Get, Text, Value and Visible fail the test when their selector
// matches nothing, with the HTML nearest to what it describes: the part of
// the page that the selector's longest matching prefix finds, and the ids
// of the page. Visible applies the display rules of the page's stylesheets
// (<style> elements and <link rel="stylesheet"> served by the same
// handler; media queries are ignored), the hidden attribute and the inline
// style that JS commands set.
//
// # Waiting for the server
//
// A view also renders on its own: a message (Conn.Send, PubSub), a timer
// (SendAfter), an async task. AwaitRender waits for the next such render,
// AwaitPush for the next pushed event of a name, WaitFor for a condition on
// the document: each handles the frames in order as they arrive and fails
// the test after Server.Timeout (10 s by default, never past the test's
// deadline). The page's DOM changes only inside these calls and the actions
// above, never behind the test's back.
//
// # Connections
//
// Disconnect drops the connection, as a network blip does; events triggered
// meanwhile are queued with their loading class, as the client queues them.
// Reconnect rejoins: a server that still has the view resumes it (events
// queued are then delivered once); Server.Restart(h) simulates a server
// that died and came back as h, which has lost the view: the rejoin mounts
// it afresh and replays the page's recoverable forms (with an id and a
// live-change), so the server's state is rebuilt from what the user typed,
// and the page keeps it. Give h the same [live.Options.Secrets], or the page
// reloads, as a browser does.
//
// # Errors
//
// An error the server reports for an event (an unknown event, a bad value,
// an error from HandleEvent) fails the test, and so does a connection the
// server closes (a view that panicked). ExpectError runs code in which they
// are expected and returns them, to assert on.
//
// # JS commands
//
// A binding whose value is a js.Commands chain (package live/js) runs on the test DOM as it
// runs in the browser (js/src/commands.js): add, remove and toggle classes,
// show, hide and toggle (display), set and remove attributes, focus, exec,
// with their targets (To, Closest, Inner). Send sends its event and the
// action waits for the answer; a chain without Send sends nothing, and the
// test sees the page change without a round trip. Dispatch and PlaySound
// leave a Dispatch record (Dispatched). What commands change stays through
// the server's patches, as in the browser. Transitions take no time: their
// classes (Transition, In, Out) come and go at once and Hide hides at once,
// so a test sees each command's final state.
//
// The lifecycle bindings run too: live-mounted once the page is open and
// after each patch that adds an element, live-remove for what a patch
// removes (before a remove op; after a morph, on the element it dropped),
// live-connected and live-disconnected on joins and drops (Disconnect,
// Reconnect). live-ignore-attributes holds through patches, and a click on
// a summary opens its details. Tab and ShiftTab move the focus as the
// browser does, cycling inside a live-focus-wrap container; HasFocus tells
// where it is. A live-confirm asks OnConfirm's function, and fails the test
// when the test set none. The shared fixtures in testdata/commands run on
// this runner and on the client's, so the two agree.
//
// # Links and navigation
//
// A click on a link does what the browser does, after the click's events
// are answered: a live-patch link to the view's path sends the view the new
// URL; a live-patch to another path, a live-navigate link, and a view's
// PushNavigate GET the URL (cookies sent, redirects followed, so the app's
// middleware runs) and join its view over the open connection, or load it
// in full when the server refuses (another Site, a page that is not live);
// any other link loads its page in full, as a new page with its own
// connection. URL, Title and Flash show the address bar, the tab's title
// and a flash message (live-flash) as the user sees them. A link off the
// Server fails the test. The js.Patch and js.Navigate commands go where
// such links go: a patch to the view's path is sent at once, in the
// chain's order, and a navigation once the action's events are answered;
// a URL the browser refuses (another origin, javascript:) fails the test.
//
// Each page keeps its tab's history, as the browser does: every patch
// and navigation above adds an entry, js.Replace replaces the current one
// instead, and a page loaded in full starts a new document. Back and
// Forward walk it as the back and forward buttons do with the client: an
// entry of the view's path is sent to the view (HandleParams runs, no
// Mount), an entry of another path is navigated to over the open
// connection, and an entry of another document is loaded in full. They
// fail the test when there is no entry to go to.
//
//	p.Click("#filter-done") // /todos?filter=done
//	p.Back()                // HandleParams sees /todos again
//	if p.URL() != "/todos" { ... }
//
// # Fidelity
//
// livetest has no layout, no scripts and no real focus: hooks' JavaScript
// does not run (Hook plays their pushEvent; pushes are recorded, not
// handled), live-disable-with is not shown, plain forms are not posted
// (Server.Client posts one, with the pages' cookies), keys type nothing
// (use Change), and Back and Forward restore no scroll position and keep
// no page in a back-forward cache. A field's value is its value attribute
// (a select's selected options, a checkbox's checked attribute), so what a
// user typed shows in HTML; a textarea's value is kept apart from its text,
// as in the browser (Value reads it). The focused field keeps what the user
// typed while patches arrive, as in the browser. Use the e2e tests for what
// only a browser can tell.
package livetest
