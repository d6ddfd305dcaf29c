package live

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// A token is what the page's live root carries so that its live connection
// can find, or rebuild, the view the GET rendered: which view (a random id),
// for which route, issued when, for which static assets. It is HMAC-SHA256 signed; any of the
// configured secrets verifies it and the first signs it, so a secret can be
// rotated without reloading every open page.
//
// Layout before base64url: version(1) id(16) issued-unix(8) assets(8) path.
type token struct {
	id     viewID
	issued time.Time
	assets assetsSum // what the page loaded (snapshot.go)
	path   string
}

type viewID [16]byte

func newViewID() viewID {
	var id viewID
	rand.Read(id[:]) // never fails, per crypto/rand's contract
	return id
}

var (
	errTokenMalformed = errors.New("malformed token")
	errTokenSignature = errors.New("bad token signature")
	errTokenExpired   = errors.New("token expired")
)

// tokenVersion 2 added the assets: a page of version 1 reloads, once.
const tokenVersion = 2

// tokenFixed is the length of a token's payload before its path.
const tokenFixed = 1 + 16 + 8 + len(assetsSum{})

func (t token) sign(secret []byte) string {
	payload := make([]byte, 0, tokenFixed+len(t.path))
	payload = append(payload, tokenVersion)
	payload = append(payload, t.id[:]...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(t.issued.Unix()))
	payload = append(payload, t.assets[:]...)
	payload = append(payload, t.path...)
	mac := hmac.New(sha256.New, secret)
	mac.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(mac.Sum(nil))
}

func parseToken(s string, secrets [][]byte, maxAge time.Duration, now time.Time) (token, error) {
	p, sig, ok := strings.Cut(s, ".")
	if !ok || len(s) > 4096 {
		return token{}, errTokenMalformed
	}
	// Strict: a token has one spelling. The lenient decoder ignores the
	// unused low bits of the last character, so a tampered token would
	// still verify.
	enc := base64.RawURLEncoding.Strict()
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || len(payload) < tokenFixed || payload[0] != tokenVersion {
		return token{}, errTokenMalformed
	}
	valid := false
	for _, secret := range secrets {
		h := hmac.New(sha256.New, secret)
		h.Write(payload)
		if hmac.Equal(h.Sum(nil), mac) {
			valid = true
			break
		}
	}
	if !valid {
		return token{}, errTokenSignature
	}
	var t token
	copy(t.id[:], payload[1:17])
	t.issued = time.Unix(int64(binary.BigEndian.Uint64(payload[17:25])), 0)
	copy(t.assets[:], payload[25:tokenFixed])
	t.path = string(payload[tokenFixed:])
	if now.Sub(t.issued) > maxAge || t.issued.Sub(now) > time.Minute {
		return token{}, errTokenExpired
	}
	return t, nil
}
