package account

import "net/http"

// CookieFor returns a session cookie of a for user, as signing in sets it.
func CookieFor(a *App, user string) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: a.sign(session{user: user, id: "sid-of-" + user})}
}
