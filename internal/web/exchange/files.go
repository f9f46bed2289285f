package exchange

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/document"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/knowledge"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

const (
	filesPath = "/{tenant}/exchange/practices/{slug}/files"
	filePath  = "/exchange/files/{id}"
	fileMax   = 5 << 20
)

// addFile keeps a picture (JPEG, PNG) or PDF of the practice, with its
// description in the language being written, in the working draft; or,
// with "remove", takes one out of the draft.
func (s *Pages) addFile(w http.ResponseWriter, r *http.Request) {
	t, pr, ok := s.owned(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, fileMax+64<<10)
	lang := formLang(r.URL.Query())
	back := s.Path(editPath, t.Slug, pr.Slug) + "?lang=" + lang
	c, err := s.workingContent(r, pr)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if remove := r.FormValue("remove"); remove != "" {
		c.Files = slices.DeleteFunc(c.Files, func(f knowledge.File) bool { return string(f.ID) == remove })
		s.saveFiles(w, r, t, pr.Slug, c, back)
		return
	}
	file, head, err := r.FormFile("file")
	desc := strings.TrimSpace(web.TruncateRunes(r.FormValue("description"), 200))
	switch {
	case err != nil:
		web.Redirect(w, r, back+"&done=file_missing#files")
		return
	case desc == "":
		file.Close()
		web.Redirect(w, r, back+"&done=file_description#files")
		return
	}
	defer file.Close()
	d, err := s.Docs.Save(r.Context(), web.Actor(r), document.Upload{TenantID: t.ID, OwnerID: web.UserOf(r).ID, Requirement: document.PracticeFile,
		Filename: head.Filename, Accept: []string{"image/jpeg", "image/png", "application/pdf"}, MaxBytes: fileMax}, file)
	switch {
	case errors.Is(err, document.ErrType), errors.Is(err, document.ErrEmpty), errors.Is(err, document.ErrTooLarge):
		web.Redirect(w, r, back+"&done=file_refused#files")
		return
	case err != nil:
		s.ServerError(w, r, err)
		return
	}
	c.Files = append(c.Files, knowledge.File{ID: d.ID, Name: d.Filename, MediaType: d.MediaType, Size: d.Size, Description: knowledge.Words{lang: desc}})
	s.saveFiles(w, r, t, pr.Slug, c, back)
}

func (s *Pages) saveFiles(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, slug string, c knowledge.Content, back string) {
	if err := s.Practices.SaveDraft(r.Context(), web.Actor(r), governmentOf(t), slug, c, r.FormValue("note")); err != nil {
		s.ServerError(w, r, err)
		return
	}
	web.Redirect(w, r, back+"&done=practice_saved#files")
}

// workingContent is the practice's draft, or its published content.
func (s *Pages) workingContent(r *http.Request, pr knowledge.Practice) (knowledge.Content, error) {
	wv, has, err := s.Practices.Working(r.Context(), pr.ID)
	if err != nil || !has {
		return pr.Live, err
	}
	return wv.Body, nil
}

// file serves a picture or PDF that a published practice shows, to
// anyone; never another kind of document, and never as a page of this
// site (a PDF is sandboxed).
func (s *Pages) file(w http.ResponseWriter, r *http.Request) {
	id := ids.Document(r.PathValue("id"))
	e, f, ok, err := s.Practices.Library().File(r.Context(), id)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !ok {
		s.NotFound(w, r)
		return
	}
	origin, err := s.Tenants.ByRegion(r.Context(), e.RegionCode)
	if err != nil {
		s.NotFound(w, r) // the government left Serambi with its files
		return
	}
	d, err := s.Docs.Get(r.Context(), origin.ID, id)
	if errors.Is(err, document.ErrNotFound) || (err == nil && d.Requirement != document.PracticeFile) {
		s.NotFound(w, r)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	rd, err := s.Docs.Open(r.Context(), d)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	defer rd.Close()
	w.Header().Set("Content-Type", d.MediaType)
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	if !f.Picture() {
		w.Header().Set("Content-Disposition", `inline; filename="practice.pdf"`)
	}
	_, err = io.Copy(w, rd)
	s.LogFailure(r, "send a practice's file", err)
}

// fileView is a file as a page shows it.
type fileView struct {
	URL, Description, Lang, Name string
	ID                           string
	Picture                      bool
	KB                           int64
}

func (s *Pages) fileViews(p *web.Page, c knowledge.Content) []fileView {
	var out []fileView
	for _, f := range c.Files {
		desc, lang := f.Description.In(p.Lang(), c.Original)
		out = append(out, fileView{URL: s.Path(filePath, string(f.ID)), Description: desc, Lang: lang, Name: f.Name, ID: string(f.ID),
			Picture: f.Picture(), KB: (f.Size + 1023) / 1024})
	}
	return out
}
