package main

import (
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/pion/webrtc/v4"

	"github.com/serambi/serambi/internal/sfu"
)

// serve runs one room with the two offers of the site: POST /publish (the
// instructor) and POST /subscribe?id= (a learner), SDP in and out.
func serve(listen string) error {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	api, err := sfu.NewAPI(se)
	if err != nil {
		return err
	}
	room, err := sfu.NewRoom(api, webrtc.Configuration{})
	if err != nil {
		return err
	}
	offer := func(w http.ResponseWriter, r *http.Request, take func(offer string) (string, error)) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ans, err := take(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/sdp")
		_, _ = io.WriteString(w, ans)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /publish", func(w http.ResponseWriter, r *http.Request) {
		offer(w, r, func(o string) (string, error) { return room.Publish(r.Context(), o) })
	})
	mux.HandleFunc("POST /subscribe", func(w http.ResponseWriter, r *http.Request) {
		offer(w, r, func(o string) (string, error) { return room.Subscribe(r.Context(), r.URL.Query().Get("id"), o) })
	})
	mux.HandleFunc("GET /learners", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, room.Learners())
	})
	log.Printf("sfu-bench: room on %s", listen)
	return http.ListenAndServe(listen, mux)
}
