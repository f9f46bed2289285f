package counters

import (
	"net/http"

	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/queue"
	"github.com/serambi/serambi/internal/tenant"
)

// The display board for a hall's screen: the number being called, large
// enough to read across the room, with a chime and the number spoken in
// the tenant's language when it changes (board.js, speech synthesis).

type boardState struct {
	Calling string   `json:"calling"`
	Recent  []string `json:"recent"`
	Waiting int      `json:"waiting"`
	// Calls counts how often the current number was announced, so "call
	// again" makes the board chime and say it once more.
	Calls int `json:"calls"`
}

func (s *Pages) boardState(r *http.Request, t *tenant.Tenant, counterID ids.Counter) (boardState, error) {
	current, _, err := s.Queue.Board(r.Context(), t.ID, counterID, 6)
	if err != nil {
		return boardState{}, err
	}
	// Everyone waiting, not only the next few the board could list.
	waiting, err := s.Queue.Waiting(r.Context(), t.ID, counterID)
	if err != nil {
		return boardState{}, err
	}
	b := boardState{Recent: []string{}, Waiting: len(waiting)}
	for i, tk := range current {
		if i == 0 && (tk.Status == queue.Called || tk.Status == queue.Serving) {
			b.Calling, b.Calls = tk.Label, tk.Calls
			continue
		}
		b.Recent = append(b.Recent, tk.Label)
	}
	return b, nil
}

func (s *Pages) boardPage(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	b, err := s.boardState(r, t, c.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	p := s.NewPage(r, "board.title")
	p.Title = c.Name(p.Lang())
	p.Tenant = t
	p.NoIndex = true
	p.Data = struct {
		Board            boardState
		Counter, Events  string
		Speak, SpeakLang string
	}{b, c.Name(p.Lang()), s.Path("/{tenant}/board/{id}/events", t.Slug, string(c.ID)), p.T("board.speak"), speechLang(p.Lang())}
	s.Render(w, http.StatusOK, "board", p)
}

// speechLang is the BCP 47 tag browsers' speech synthesis expects.
func speechLang(l string) string {
	switch l {
	case "id":
		return "id-ID"
	case "ja":
		return "ja-JP"
	}
	return "en-US"
}

// boardEvents streams the board's state after every change at the counter.
func (s *Pages) boardEvents(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	c, ok := s.LoadCounter(w, r, t)
	if !ok {
		return
	}
	changes, stop := s.Queue.Subscribe(c.ID)
	defer stop()
	streamEvents(w, r, "board", changes, func() (boardState, error) { return s.boardState(r, t, c.ID) }, nil)
}
