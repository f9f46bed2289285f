package api

import (
	_ "embed"
	"net/http"
)

// openapi.json describes the API; a test checks every /api route is in it.
//
//go:embed openapi.json
var openAPI []byte

func (s *Pages) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPI)
}
