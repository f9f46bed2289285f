package app

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/internal/sfu"
)

// StartMedia opens the UDP port online classes' media goes through
// (--media-addr) and turns the class rooms on; with "off" (or unset)
// online classes say they cannot run here.
func (a *App) StartMedia() error {
	addr := a.Config.MediaAddr
	if addr == "" || addr == "off" {
		return nil
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--media-addr %s: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("--media-addr %s: %w", addr, err)
	}
	listen := net.ParseIP(host)
	opts := []ice.UDPMuxFromPortOption{ice.UDPMuxFromPortWithNetworks(ice.NetworkTypeUDP4)}
	if listen != nil && !listen.IsUnspecified() {
		opts = append(opts, ice.UDPMuxFromPortWithIPFilter(func(ip net.IP) bool { return ip.Equal(listen) }))
	}
	if listen != nil && listen.IsLoopback() {
		opts = append(opts, ice.UDPMuxFromPortWithLoopback())
	}
	mux, err := ice.NewMultiUDPMuxFromPort(port, opts...)
	if err != nil {
		return fmt.Errorf("--media-addr %s: %w", addr, err)
	}
	se := webrtc.SettingEngine{}
	se.SetICEUDPMux(mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(listen != nil && listen.IsLoopback())
	// Behind NAT the server's own address is not the one browsers reach:
	// it is announced as the TURN relay's public one.
	if ip := a.Config.TURNPublicIP; ip != nil {
		se.SetNAT1To1IPs([]string{ip.String()}, webrtc.ICECandidateTypeHost)
	}
	api, err := sfu.NewAPI(se)
	if err != nil {
		_ = mux.Close()
		return err
	}
	a.media = mux
	for _, l := range mux.GetListenAddresses() {
		if u, ok := l.(*net.UDPAddr); ok {
			a.mediaPorts = append(a.mediaPorts, u.Port)
		}
	}
	a.Classrooms.Start(api)
	a.Log.Info("online classes' media listening", "addr", addr)
	return nil
}

// closeIdleRooms closes, every few minutes until ctx ends, the class
// rooms nobody is connected to any more. Rooms live in this process, so
// this is a ticker of this node, not a job of the shared queue.
func (a *App) closeIdleRooms(ctx context.Context) {
	tick := time.NewTicker(5 * time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if n := a.Classrooms.CloseIdle(); n > 0 {
				a.Log.Info("closed class rooms nobody was in", "count", n)
			}
		}
	}
}

// stopMedia closes the media port.
func (a *App) stopMedia() {
	if a.media != nil {
		_ = a.media.Close()
	}
}
