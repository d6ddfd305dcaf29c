package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/templive/templive/internal/protocol"
)

var tokenRE = regexp.MustCompile(`live-token="([^"]+)"`)

// slot is one client of a run: its connection, replaced when it rejoins,
// and what it needs to rejoin.
type slot struct {
	c      atomic.Pointer[client]
	page   int // index in Config.URLs of the page it is on
	dialer *net.Dialer
}

type client struct {
	ws      *websocket.Conn
	token   string // the page's, for a rejoin
	ref     uint64
	busy    atomic.Bool
	armed   atomic.Bool  // waiting for a broadcast's patch
	arrival atomic.Int64 // Unix nanoseconds the first patch came after armed; 0 before
	replies chan reply
	done    chan struct{}
}

type reply struct {
	ref uint64
	at  time.Time
}

// connect loads the page like a browser, then joins its live connection.
func (r *run) connect(ctx context.Context, d *net.Dialer, page string) (*client, error) {
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}, Timeout: 30 * time.Second}
	resp, err := hc.Get(page)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", page, resp.Status)
	}
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("GET %s: no live root in the page", page)
	}
	return r.join(ctx, d, page, string(m[1]))
}

// errRefused is a join the server answered with a reload: the page's token
// is no good there, and a browser would load the page again.
var errRefused = errors.New("join refused")

// join opens the live connection of page and joins with token, as a fresh
// page (nothing applied, no forms).
func (r *run) join(ctx context.Context, d *net.Dialer, page, token string) (*client, error) {
	u, err := url.Parse(page)
	if err != nil {
		return nil, err
	}
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, u.String(), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}},
		HTTPHeader: http.Header{"Origin": {page}},
	})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(16 << 20)
	c := &client{ws: ws, token: token, replies: make(chan reply, 16), done: make(chan struct{})}
	join := fmt.Sprintf(`[0,{"v":%d,"t":%q,"u":%q,"n":0}]`, protocol.Version, token, page)
	if err := ws.Write(dctx, websocket.MessageText, []byte(join)); err != nil { // not counted: per connection, not per event
		ws.CloseNow()
		return nil, err
	}
	_, data, err := ws.Read(dctx)
	if err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("join: %w", err)
	}
	if !strings.HasPrefix(string(data), "[0,0") {
		ws.CloseNow()
		if strings.HasPrefix(string(data), "[4,") {
			return nil, fmt.Errorf("%w: %.100s", errRefused, data)
		}
		return nil, fmt.Errorf("join refused: %.100s", data)
	}
	go c.readLoop(r)
	return c, nil
}

func (c *client) write(ctx context.Context, r *run, frame []byte) error {
	r.bytesUp.Add(int64(len(frame)))
	return c.ws.Write(ctx, websocket.MessageText, frame)
}

// readLoop counts every byte the server sends, log frames apart, notes the
// broadcast's patch, and hands replies to event.
func (c *client) readLoop(r *run) {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		now := time.Now()
		if len(data) > 2 && data[1] == '0'+protocol.KindLog && data[2] == ',' { // a dev console frame: [6,...
			r.logBytes.Add(int64(len(data)))
			continue
		}
		if string(data) == "[2]" { // a heartbeat's answer: not the event's
			continue
		}
		r.bytesDown.Add(int64(len(data)))
		// A patch the server started itself: [1,ops].
		if len(data) > 2 && data[1] == '0'+protocol.KindPatch && data[2] == ',' && c.armed.Load() {
			if c.arrival.CompareAndSwap(0, now.UnixNano()) {
				r.arrived.Add(1)
			}
		}
		// Replies and errors answer an event: [0,ref...] or [3,ref...].
		if len(data) > 3 && (data[1] == '0' || data[1] == '3') && data[2] == ',' {
			end := 3
			for end < len(data) && data[end] >= '0' && data[end] <= '9' {
				end++
			}
			if ref, err := strconv.ParseUint(string(data[3:end]), 10, 64); err == nil {
				select {
				case c.replies <- reply{ref, now}:
				default:
				}
			}
		}
	}
}

// event sends one event with values and waits for its reply.
func (c *client) event(ctx context.Context, r *run, name string, values url.Values) (time.Duration, error) {
	c.ref++
	ref := c.ref
	frame := fmt.Appendf(nil, `[1,%d,%q]`, ref, name)
	if len(values) > 0 {
		v := make(map[string]string, len(values))
		for k := range values {
			v[k] = values.Get(k)
		}
		js, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		frame = fmt.Appendf(nil, `[1,%d,%q,%s]`, ref, name, js)
	}
	start := time.Now()
	if err := c.write(ctx, r, frame); err != nil {
		return 0, err
	}
	for {
		select {
		case rep := <-c.replies:
			if rep.ref == ref {
				return rep.at.Sub(start), nil
			}
		case <-c.done:
			return 0, errors.New("connection closed while waiting for a reply")
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

func (c *client) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
	<-c.done
}

// perSource is how many clients share one source address: one loopback
// address runs out of ephemeral ports at about 28,000.
const perSource = 20000

// dialerFor returns the dialer of client n (counted over every process of
// the run) to page: towards a loopback IPv4 server, from source address
// 127.0.0.2 for the first perSource clients, 127.0.0.3 for the next, and so
// on; elsewhere, from wherever the system picks.
func dialerFor(page string, n int) *net.Dialer {
	d := &net.Dialer{Timeout: 30 * time.Second}
	u, err := url.Parse(page)
	if err != nil {
		return d
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() == "localhost" {
		ip = net.IPv4(127, 0, 0, 1)
	}
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return d
	}
	d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+(n/perSource)%250))}
	d.Control = bindNoPort
	return d
}

var heartbeat = []byte(`[2]`)
