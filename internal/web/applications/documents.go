package applications

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/serambi/serambi/internal/catalog"
	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/validation"
	"github.com/serambi/serambi/internal/web"
	"github.com/serambi/serambi/internal/workflow"
)

// requirementView is one document a service asks for, with what was sent.
type requirementView struct {
	Name, Label string
	Required    bool
	Accept      string
	MaxMB       string
	Docs        []docView
}

type docView struct {
	ID, Filename, Size, URL string
}

func requirementViews(p *web.Page, svc catalog.Service, docs []document.Document, tenantSlug string) []requirementView {
	var out []requirementView
	for _, rq := range svc.Requirements {
		v := requirementView{Name: rq.Name, Label: rq.Labels.In(p.Lang()), Required: rq.Required,
			Accept: strings.Join(rq.Accept, ","), MaxMB: strconv.FormatInt(max(rq.MaxBytes, 1<<20)>>20, 10)}
		for _, d := range docs {
			if d.Requirement == rq.Name {
				v.Docs = append(v.Docs, docView{ID: string(d.ID), Filename: d.Filename, Size: humanSize(d.Size),
					URL: web.PathOf("/{tenant}/documents/{id}", tenantSlug, string(d.ID))})
			}
		}
		out = append(out, v)
	}
	return out
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt(max(n>>10, 1), 10) + " KB"
}

// missingDocuments lists required documents not yet sent.
func missingDocuments(svc catalog.Service, docs []document.Document) validation.Errors {
	var errs validation.Errors
	for _, rq := range svc.Requirements {
		if rq.Required && !slices.ContainsFunc(docs, func(d document.Document) bool { return d.Requirement == rq.Name }) {
			errs.Add("doc-"+rq.Name, "error.document.missing")
		}
	}
	return errs
}

// uploadDocument receives one file for one requirement of an application
// the resident is still editing. The body is streamed: the hidden
// requirement field comes first, then the file.
func (s *Pages) uploadDocument(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok {
		return
	}
	if !ac.editable() {
		web.Redirect(w, r, appURL(ac))
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.ErrorPage(w, r, http.StatusBadRequest, ac.T)
		return
	}
	var req *catalog.Requirement
	for {
		part, err := mr.NextPart()
		if err == io.EOF || err != nil {
			break
		}
		switch part.FormName() {
		case "requirement":
			name, _ := io.ReadAll(io.LimitReader(part, 100))
			if validation.HasHiddenControls(string(name)) {
				s.ErrorPage(w, r, http.StatusUnprocessableEntity, ac.T)
				return
			}
			req = ac.Svc.Requirement(string(name))
		case "file":
			if req == nil {
				s.ErrorPage(w, r, http.StatusBadRequest, ac.T)
				return
			}
			_, err := s.Docs.Save(r.Context(), web.Actor(r), document.Upload{TenantID: ac.T.ID, OwnerID: ac.App.ApplicantID,
				ApplicationID: ac.App.ID, Requirement: req.Name, Filename: part.FileName(), Accept: req.Accept, MaxBytes: req.MaxBytes}, part)
			if err != nil {
				s.uploadError(w, r, ac, req, err)
				return
			}
			web.Redirect(w, r, appURL(ac)+"/check#documents")
			return
		}
	}
	s.ErrorPage(w, r, http.StatusBadRequest, ac.T)
}

// uploadError tells the resident, in words, what was wrong with the file.
func (s *Pages) uploadError(w http.ResponseWriter, r *http.Request, ac *appContext, req *catalog.Requirement, err error) {
	code := ""
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, document.ErrTooLarge), errors.As(err, &tooBig):
		code = "error.document.too_large"
	case errors.Is(err, document.ErrType):
		code = "error.document.type"
	case errors.Is(err, document.ErrEmpty):
		code = "error.document.empty"
	case errors.Is(err, document.ErrQuota):
		s.renderCheck(w, r, ac, validation.Errors{{Field: "doc-" + req.Name, Code: "error.document.quota",
			Args: []any{quotaMB(s.Docs.Quota)}}}, http.StatusTooManyRequests)
		return
	default:
		s.ServerError(w, r, err)
		return
	}
	mb := strconv.FormatInt(max(req.MaxBytes, 1<<20)>>20, 10)
	s.renderCheck(w, r, ac, validation.Errors{{Field: "doc-" + req.Name, Code: code, Args: []any{mb}}}, http.StatusUnprocessableEntity)
}

// quotaMB writes the upload quota in whole megabytes for messages.
func quotaMB(quota int64) string { return strconv.FormatInt(quota>>20, 10) }

// downloadDocument serves a file to its owner and the tenant's staff only,
// always as an attachment in a sandbox: an uploaded file never runs as a
// page of this site.
func (s *Pages) downloadDocument(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.RequireUser(w, r) {
		return
	}
	d, err := s.Docs.Get(r.Context(), t.ID, ids.Document(r.PathValue("id")))
	if errors.Is(err, document.ErrNotFound) || (err == nil && d.OwnerID != web.UserOf(r).ID && !s.IsStaff(r, t)) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	f, err := s.Docs.Open(r.Context(), d)
	if errors.Is(err, document.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		// The row is there, the file is not (a restore without the
		// uploads, a disk fault): tell the reader plainly and the operator
		// loudly, rather than answer "server error".
		s.Log.Error("document file missing", "tenant", t.Slug, "document", d.ID, "err", err)
		s.ErrorPage(w, r, http.StatusGone, t)
		return
	}
	if err != nil {
		s.ServerError(w, r, fmt.Errorf("web: open document %s: %w", d.ID, err))
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", d.MediaType)
	h.Set("X-Content-Type-Options", "nosniff")
	disposition := "attachment"
	if r.URL.Query().Get("view") == "1" {
		// Opened for a look in the browser. The bytes were checked to be
		// a PDF, JPEG or PNG when stored and are sent as exactly that; an
		// image page may do nothing but show itself, and a PDF is left to
		// the browser's viewer, which a sandbox would turn away.
		disposition = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": document.DownloadName(d.Filename, d.MediaType)}))
	switch {
	case disposition == "inline" && d.MediaType == "application/pdf":
		h.Set("Content-Security-Policy", "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'")
	case disposition == "inline":
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	default:
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	}
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	_, _ = io.Copy(w, f)
}

// deleteDocument lets the resident take back a file while still editing.
func (s *Pages) deleteDocument(w http.ResponseWriter, r *http.Request) {
	ac, ok := s.loadApplication(w, r)
	if !ok || !s.ParseForm(w, r) {
		return
	}
	if !ac.editable() || !slices.Contains(ac.Roles, workflow.Resident) {
		web.Redirect(w, r, appURL(ac))
		return
	}
	d, err := s.Docs.Get(r.Context(), ac.T.ID, ids.Document(r.PostForm.Get("document")))
	if err != nil || d.ApplicationID != ac.App.ID {
		s.NotFound(w, r)
		return
	}
	if err := s.Docs.Delete(r.Context(), web.Actor(r), ac.T.ID, d.ID); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, appURL(ac)+"/check#documents")
}

// apiUpload receives a document before its application exists: multipart
// fields "service" and "requirement" first, then "file". The answer's id
// goes into the application's "documents" list.
func (s *Pages) apiUpload(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	// A file waiting for an application is stored in the tenant's space:
	// only its residents and staff may put one there (anyone else applies
	// through the pages, where the file joins a draft at once).
	if !web.IsMember(r, t.ID) && !web.UserOf(r).Coordinator {
		s.Problem(w, r, http.StatusForbidden, "not_member", "problem.not_member")
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.Problem(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type", "problem.multipart")
		return
	}
	var svcCode, reqName string
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		switch part.FormName() {
		case "service", "requirement":
			v, _ := io.ReadAll(io.LimitReader(part, 100))
			if validation.HasHiddenControls(string(v)) {
				s.Invalid(w, r, validation.Errors{{Field: part.FormName(), Code: "problem.hidden_controls"}})
				return
			}
			if part.FormName() == "service" {
				svcCode = string(v)
			} else {
				reqName = string(v)
			}
		case "file":
			s.apiSaveUpload(w, r, t.ID, svcCode, reqName, part)
			return
		}
	}
	s.Invalid(w, r, validation.Errors{{Field: "file", Code: "error.document.empty"}})
}

func (s *Pages) apiSaveUpload(w http.ResponseWriter, r *http.Request, tenantID ids.Tenant, svcCode, reqName string, part interface {
	io.Reader
	FileName() string
}) {
	svc, err := s.Services.ByCode(r.Context(), tenantID, svcCode)
	if err != nil {
		s.Invalid(w, r, validation.Errors{{Field: "service", Code: "error.service.unknown"}})
		return
	}
	req := svc.Requirement(reqName)
	if req == nil {
		s.Invalid(w, r, validation.Errors{{Field: "requirement", Code: "error.document.requirement"}})
		return
	}
	d, err := s.Docs.Save(r.Context(), web.Actor(r), document.Upload{TenantID: tenantID, OwnerID: web.UserOf(r).ID,
		Requirement: req.Name, Filename: part.FileName(), Accept: req.Accept, MaxBytes: req.MaxBytes}, part)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, document.ErrTooLarge), errors.As(err, &tooBig):
		s.Problem(w, r, http.StatusRequestEntityTooLarge, "too_large", "error.document.too_large", strconv.FormatInt(max(req.MaxBytes, 1<<20)>>20, 10))
	case errors.Is(err, document.ErrQuota):
		s.Problem(w, r, http.StatusTooManyRequests, "upload_quota", "error.document.quota", quotaMB(s.Docs.Quota))
	case errors.Is(err, document.ErrType):
		s.Invalid(w, r, validation.Errors{{Field: "file", Code: "error.document.type"}})
	case errors.Is(err, document.ErrEmpty):
		s.Invalid(w, r, validation.Errors{{Field: "file", Code: "error.document.empty"}})
	case err != nil:
		s.ServerError(w, r, err)
	default:
		web.WriteJSON(w, http.StatusCreated, map[string]any{"id": d.ID, "requirement": d.Requirement, "filename": d.Filename,
			"media_type": d.MediaType, "size": d.Size, "sha256": d.SHA256})
	}
}

// documentsFor checks the ids an API client lists for its application: its
// own, unattached uploads for requirements of this service.
func (s *Pages) documentsFor(r *http.Request, tenantID ids.Tenant, svc catalog.Service, docIDs []string) ([]document.Document, validation.Errors) {
	var docs []document.Document
	var errs validation.Errors
	for _, id := range docIDs {
		d, err := s.Docs.Get(r.Context(), tenantID, ids.Document(id))
		if err != nil || d.OwnerID != web.UserOf(r).ID || d.ApplicationID != "" || svc.Requirement(d.Requirement) == nil {
			errs.Add("documents", "error.document.unknown")
			continue
		}
		docs = append(docs, d)
	}
	return docs, errs
}
