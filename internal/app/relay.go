package app

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/serambi/serambi/internal/relay"
)

// StartRelay runs the embedded TURN relay of video calls unless
// --turn-addr is off; calls then hand out credentials for it. Serve calls
// it; tests that need a relay call it themselves.
func (a *App) StartRelay() error {
	if a.Config.TURNAddr == "" || a.Config.TURNAddr == "off" {
		return nil
	}
	r, err := relay.Start(relay.Config{Addr: a.Config.TURNAddr, PublicIP: a.Config.TURNPublicIP,
		Secret: relayKey(a.Config.SecretKey), Realm: "serambi", Log: a.Log, OpenPorts: a.mediaPorts})
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("--turn-addr %s: the port is taken (UDP or TCP), perhaps by another serambi: "+
				"choose another with --turn-addr HOST:PORT (or SERAMBI_TURN_ADDR), or run without video-call relay with --turn-addr off: %w",
				a.Config.TURNAddr, err)
		}
		return fmt.Errorf("--turn-addr %s: %w", a.Config.TURNAddr, err)
	}
	a.relay.Store(r)
	a.Log.Info("TURN relay listening", "addr", r.Addr().String(), "url", r.URL())
	return nil
}

// Relay is the running TURN relay, or nil.
func (a *App) Relay() *relay.Server { return a.relay.Load() }

// stopRelay closes the relay if it runs.
func (a *App) stopRelay() {
	if r := a.relay.Swap(nil); r != nil {
		_ = r.Close()
	}
}

// iceServers gives a call participant the relay's address with credentials
// of their own; nothing while no relay runs.
func (a *App) iceServers(label string, ttl time.Duration) []any {
	r := a.relay.Load()
	if r == nil {
		return nil
	}
	return []any{r.Credentials(label, ttl)}
}

// relayKey derives the TURN credentials' shared secret from the secret key
// with HKDF, so the relay's secret is never the key that seals personal
// data. (Credentials last minutes; those given before an upgrade to this
// derivation end with it.)
func relayKey(secret []byte) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, "serambi turn relay", 32)
	if err != nil { // only for a requested length HKDF cannot give
		panic(err)
	}
	return k
}
