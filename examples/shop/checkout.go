package shop

import (
	"time"

	"github.com/templive/templive/live/js"
)

// Each cart's checkout asks first, in a dialog the browser opens and
// closes by itself (JS commands, no round trip): it fades in and takes the
// focus, keeps Tab inside (live-focus-wrap), closes on Escape, on a click
// outside it and on Cancel, and gives the focus back to the button that
// opened it. Only Place order reaches the server, and only the cart it is
// in (live-target).

// fade is the dialog's transition (demo.css: .fading carries the CSS
// transition, .faded the transparent end).
var (
	fadeIn  = js.In("fading", "faded", "opaque")
	fadeOut = js.Out("fading", "opaque", "faded")
	fadeFor = js.Time(150 * time.Millisecond)
)

// dialogID is the id of cart id's checkout dialog.
func dialogID(id string) string { return id + "-checkout" }

// openCheckout remembers the focused opener, shows the dialog and focuses
// its first button.
func openCheckout(id string) js.Commands {
	to := js.To("#" + dialogID(id))
	return js.PushFocus().Show(to, js.Display("flex"), fadeIn, fadeFor).FocusFirst(to)
}

// closeCheckout fades the dialog out and gives the focus back.
func closeCheckout(id string) js.Commands {
	return js.Hide(js.To("#"+dialogID(id)), fadeOut, fadeFor).PopFocus()
}

// placeOrder closes the dialog and sends the cart its checkout event.
func placeOrder(id string) js.Commands { return closeCheckout(id).Send("checkout") }
