package web

import (
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/tenant"
)

// TestRouteSegmentsAreReservedSlugs: a tenant called "feeds" would have its
// pages hidden behind /feeds/...; every fixed first segment of a route must
// be refused as a tenant's web name.
func TestRouteSegmentsAreReservedSlugs(t *testing.T) {
	t.Parallel()
	for _, rt := range (&Server{}).routes() {
		seg := strings.SplitN(strings.TrimPrefix(rt.Pattern, "/"), "/", 2)[0]
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		if !tenant.Reserved(seg) {
			t.Errorf("route %s %s: %q is not a reserved tenant name", rt.Method, rt.Pattern, seg)
		}
	}
}
