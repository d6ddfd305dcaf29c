package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/templive/templive/live"
	"github.com/templive/templive/live/natspubsub"
)

// joinNATS returns the PubSub the flags ask for: with serve (HOST:PORT) an
// embedded NATS server listening there, with JetStream keeping its files in
// dir if it is not "", and a connection to it; with url a
// connection to an existing NATS server; with neither, nil (New then uses
// one in-process PubSub for the whole site). stop closes what it started.
func joinNATS(serve, url, dir string, log *slog.Logger) (ps live.PubSub, stop func(), err error) {
	switch {
	case serve != "" && url != "":
		return nil, nil, errors.New("use -nats-serve or -nats, not both")
	case serve == "" && url == "":
		return nil, func() {}, nil
	}
	var ns *server.Server
	if serve != "" {
		if ns, err = serveNATS(serve, dir); err != nil {
			return nil, nil, err
		}
		url = ns.ClientURL()
		log.Info("embedded NATS server listening", "url", url)
	}
	nps, err := natspubsub.Connect(url, &natspubsub.Options{Logger: log})
	if err != nil {
		if ns != nil {
			ns.Shutdown()
		}
		return nil, nil, err
	}
	log.Info("PubSub through NATS", "url", url)
	return nps, func() {
		nps.Close()
		if ns != nil {
			ns.Shutdown()
			ns.WaitForShutdown()
		}
	}, nil
}

// serveNATS starts a NATS server listening on addr (port 0: any free port),
// with JetStream keeping its files in dir, unless dir is "".
func serveNATS(addr, dir string) (*server.Server, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-nats-serve %q: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("-nats-serve %q: bad port", addr)
	}
	if port == 0 {
		port = server.RANDOM_PORT // 0 would mean NATS's default, 4222
	}
	ns, err := server.NewServer(&server.Options{Host: host, Port: port, NoLog: true, NoSigs: true, JetStream: dir != "", StoreDir: dir})
	if err != nil {
		return nil, fmt.Errorf("-nats-serve: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return nil, fmt.Errorf("-nats-serve: NATS server on %s did not start (is the port in use?)", addr)
	}
	return ns, nil
}

// natsStore returns a Store on the NATS JetStream that ps is connected
// to, or nil (views are then not saved) if ps is not NATS or the server
// has no JetStream.
func natsStore(ps live.PubSub, log *slog.Logger) live.Store {
	nps, ok := ps.(*natspubsub.PubSub)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := natspubsub.NewStore(ctx, nps.Conn(), nil)
	if err != nil {
		log.Info("views will not be saved at shutdown (no JetStream: see -nats-dir)", "err", err)
		return nil
	}
	log.Info("views are saved at shutdown in NATS JetStream")
	return st
}
