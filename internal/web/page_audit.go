package web

import (
	"net/http"
	"strconv"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/tenant"
)

// AuditPage shows the audit trail: t's entries (the tenant admin's page),
// or with t nil the whole network's (the coordinator's), 50 a page.
func (s *Server) AuditPage(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, f audit.Filter) {
	f.BeforeSeq, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	f.Action = r.URL.Query().Get("action")
	if len(f.Action) > 60 {
		f.Action = f.Action[:60]
	}
	f.Limit = 50
	entries, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "audit.title")
	p.Tenant = t
	p.Form.Set("action", f.Action)
	var older int64
	if len(entries) == f.Limit {
		older = entries[len(entries)-1].Seq
	}
	p.Data = struct {
		Entries []audit.Entry
		Older   int64
	}{entries, older}
	s.Render(w, http.StatusOK, "audit", p)
}
