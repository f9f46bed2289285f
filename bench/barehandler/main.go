// Command barehandler is the ceiling for Serambi's page benchmarks: a bare
// net/http handler rendering a small html/template, measured in the same
// run and with the same load as the real pages.
package main

import (
	"flag"
	"html/template"
	"log"
	"net/http"
)

var page = template.Must(template.New("p").Parse(`<!DOCTYPE html><html lang="en"><head><title>{{.}}</title></head><body><h1>{{.}}</h1><p>Hello.</p></body></html>`))

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, "Bare handler")
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
