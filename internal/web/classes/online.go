package classes

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	class "github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/sfu"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// An online class: the instructor's camera, shared screen and voice go
// through the server to every learner (internal/sfu), and a learner
// speaks when the instructor gives them the floor. The page is one for
// everyone in the class; online.js runs the media, with offers and
// answers over plain POSTs. Raising a hand and giving the floor are plain
// forms, so the class can be led without the page's script too.

const onlinePath = "/{tenant}/classes/sessions/{id}/online"

// onlineEarly is how long before the start the room opens (to try the
// camera), and how long after the end it stays.
const onlineEarly = 30 * time.Minute

// Who is in an online class: the tenant's teachers and the session's
// supporters, and its seated learners.
var onlineParties = web.OwnedBy(web.ClassSessionObject, string(identity.Instructor), string(identity.Admin), "supporter", "learner")

// onlineWho is the caller's part in the class.
type onlineWho struct {
	teacher bool // instructor, admin, coordinator: sends and gives the floor
	helper  bool // a supporter on the session: watches, sees hands
	user    ids.User
	name    string
}

// onlineSession loads an online session and the caller's part in it;
// anyone without one is refused, and a session that is not online (or
// cancelled) is not found.
func (s *Pages) onlineSession(w http.ResponseWriter, r *http.Request, form bool) (*tenant.Tenant, class.Session, class.Course, onlineWho, bool) {
	t, x, c, ok := s.tenantSession(w, r, form)
	if !ok || !s.RequireUser(w, r) {
		return nil, x, c, onlineWho{}, false
	}
	if !x.Online || x.Cancelled {
		s.NotFound(w, r)
		return nil, x, c, onlineWho{}, false
	}
	u := web.UserOf(r)
	who := onlineWho{teacher: isTeacher(r, t), user: u.ID, name: u.Name}
	if !who.teacher {
		helper, err := s.Classes.IsAssigned(r.Context(), t.ID, x.ID, u.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return nil, x, c, who, false
		}
		mine, err := s.mineIn(r, t, x)
		if err != nil {
			s.ServerError(w, r, err)
			return nil, x, c, who, false
		}
		who.helper = helper
		if !helper && (mine == nil || mine.State != class.Enrolled) {
			s.Deny(w, r, t)
			return nil, x, c, who, false
		}
	}
	return t, x, c, who, true
}

// onlineRoom is the session's media room, or an answer saying online
// classes cannot run here (503).
func (s *Pages) onlineRoom(w http.ResponseWriter, r *http.Request, x class.Session) (*sfu.Room, bool) {
	return s.room(w, r, string(x.ID))
}

// room is media room id, made on first use; answered when it cannot be.
func (s *Pages) room(w http.ResponseWriter, r *http.Request, id string) (*sfu.Room, bool) {
	room, err := s.Classrooms.Room(id)
	switch {
	case errors.Is(err, sfu.ErrOff):
		s.Problem(w, r, http.StatusServiceUnavailable, "media_off", "problem.online.off")
		return nil, false
	case err != nil:
		s.ServerError(w, r, err)
		return nil, false
	}
	return room, true
}

// onlineOpen tells whether the class's room is open now.
func (s *Pages) onlineOpen(x class.Session) bool {
	now := s.Clock.Now()
	return !now.Before(x.StartsAt.Add(-onlineEarly)) && now.Before(x.EndsAt.Add(onlineEarly))
}

// onlineView is the page's data.
type onlineView struct {
	Session         sessionView
	Teacher, Helper bool
	Open, On        bool
	Base            string // the class's online address, for the script's POSTs
	ICE             string // the TURN relay with credentials of the caller's own, as JSON
	Live            bool
	Floor           string // the name of who may speak
	MyFloor         bool
	HandUp          bool
	Present, Hands  []onlinePerson
}

type onlinePerson struct{ ID, Name string }

// onlinePage is the class: videos, the floor, raised hands.
func (s *Pages) onlinePage(w http.ResponseWriter, r *http.Request) {
	t, x, c, who, ok := s.onlineSession(w, r, false)
	if !ok {
		return
	}
	p := s.NewPage(r, "online.title")
	p.Tenant = t
	p.NoIndex = true
	p.Flash = web.FlashFrom(r)
	v := onlineView{Session: s.courseSessionView(p, x, c), Teacher: who.teacher, Helper: who.helper, Open: s.onlineOpen(x),
		On: s.Classrooms.On(), Base: s.Path(onlinePath, t.Slug, string(x.ID))}
	if v.Open && v.On {
		room, ok := s.onlineRoom(w, r, x)
		if !ok {
			return
		}
		s.describeRoom(r, &v, room.State(), who)
		v.ICE = s.iceJSON(r, who)
		mediaAllowed(w)
	}
	p.Data = v
	s.Render(w, http.StatusOK, "class_online", p)
}

// onlineCredential is how long a class's relay credential lasts: the
// class and the half hours around it.
const onlineCredential = 3 * time.Hour

// iceJSON is the relay a browser falls back on when its network lets it
// reach only the relay (the relay lets it through to the media port).
func (s *Pages) iceJSON(r *http.Request, who onlineWho) string {
	servers := []any{}
	if s.ICE != nil {
		servers = append(servers, s.ICE("class-"+string(who.user), onlineCredential)...)
	}
	raw, err := json.Marshal(servers)
	if err != nil {
		s.LogFailure(r, "write the relay's address", err)
		return "[]"
	}
	return string(raw)
}

// describeRoom fills v with the room's people by name.
func (s *Pages) describeRoom(r *http.Request, v *onlineView, st sfu.State, who onlineWho) {
	name := func(id string) string {
		u, err := s.Identity.ByID(r.Context(), ids.User(id))
		s.LogFailure(r, "read a learner's name", err)
		return u.Name
	}
	v.Live, v.MyFloor, v.HandUp = st.Live, st.Floor == string(who.user), slices.Contains(st.Hands, string(who.user))
	if st.Floor != "" {
		v.Floor = name(st.Floor)
	}
	if !who.teacher && !who.helper {
		return
	}
	for _, id := range learnersOf(st.Present) {
		v.Present = append(v.Present, onlinePerson{id, name(id)})
	}
	for _, id := range st.Hands {
		v.Hands = append(v.Hands, onlinePerson{id, name(id)})
	}
}

// onlineState is the room as JSON, for online.js to follow.
func (s *Pages) onlineState(w http.ResponseWriter, r *http.Request) {
	_, x, _, who, ok := s.onlineSession(w, r, false)
	if !ok {
		return
	}
	room, ok := s.onlineRoom(w, r, x)
	if !ok {
		return
	}
	st := room.State()
	out := struct {
		Live    bool `json:"live"`
		MyFloor bool `json:"my_floor"`
		Floor   bool `json:"floor"` // someone may speak
		HandUp  bool `json:"hand_up"`
		Present int  `json:"present"`
		Hands   int  `json:"hands"`
	}{st.Live, st.Floor == string(who.user), st.Floor != "", slices.Contains(st.Hands, string(who.user)), len(learnersOf(st.Present)), len(st.Hands)}
	web.WriteJSON(w, http.StatusOK, out)
}

// readOffer reads an SDP offer from the body.
func (s *Pages) readOffer(w http.ResponseWriter, r *http.Request) (string, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil || !strings.HasPrefix(string(body), "v=0") {
		s.Problem(w, r, http.StatusBadRequest, "bad_offer", "problem.online.offer")
		return "", false
	}
	return string(body), true
}

// writeAnswer sends an SDP answer, or the reason there is none.
func (s *Pages) writeAnswer(w http.ResponseWriter, r *http.Request, answer string, err error) {
	switch {
	case errors.Is(err, sfu.ErrBadOffer):
		s.Problem(w, r, http.StatusBadRequest, "bad_offer", "problem.online.offer")
	case errors.Is(err, sfu.ErrNoFloor):
		s.Problem(w, r, http.StatusForbidden, "no_floor", "problem.online.no_floor")
	case err != nil:
		s.ServerError(w, r, err)
	default:
		w.Header().Set("Content-Type", "application/sdp")
		w.Header().Set("Cache-Control", "no-store")
		_, err := io.WriteString(w, answer)
		s.LogFailure(r, "send an online class answer", err)
	}
}

// onlineOffer is the common part of the three offers: the caller's part
// in an open class, its room and the offer sent.
func (s *Pages) onlineOffer(w http.ResponseWriter, r *http.Request) (*sfu.Room, onlineWho, string, bool) {
	_, x, _, who, ok := s.onlineSession(w, r, false)
	if !ok {
		return nil, who, "", false
	}
	if !s.onlineOpen(x) {
		s.Problem(w, r, http.StatusConflict, "not_open", "problem.online.closed")
		return nil, who, "", false
	}
	room, ok := s.onlineRoom(w, r, x)
	if !ok {
		return nil, who, "", false
	}
	offer, ok := s.readOffer(w, r)
	return room, who, offer, ok
}

// onlinePublish takes the instructor's camera, screen and voice.
func (s *Pages) onlinePublish(w http.ResponseWriter, r *http.Request) {
	if room, _, offer, ok := s.onlineOffer(w, r); ok {
		answer, err := room.Publish(r.Context(), offer)
		s.writeAnswer(w, r, answer, err)
	}
}

// onlineWatch joins the caller to what the class sends.
func (s *Pages) onlineWatch(w http.ResponseWriter, r *http.Request) {
	if room, who, offer, ok := s.onlineOffer(w, r); ok {
		answer, err := room.Subscribe(r.Context(), who.watcher(), offer)
		s.writeAnswer(w, r, answer, err)
	}
}

// staffWatch marks the room connection of a teacher or supporter (they
// hear the floor too), so they are not counted among the learners.
const staffWatch = "staff:"

func (w onlineWho) watcher() string {
	if w.teacher || w.helper {
		return staffWatch + string(w.user)
	}
	return string(w.user)
}

// learnersOf leaves the staff out of the room's connections.
func learnersOf(present []string) []string {
	return slices.DeleteFunc(slices.Clone(present), func(id string) bool { return strings.HasPrefix(id, staffWatch) })
}

// onlineSpeak takes the voice of the learner with the floor.
func (s *Pages) onlineSpeak(w http.ResponseWriter, r *http.Request) {
	if room, who, offer, ok := s.onlineOffer(w, r); ok {
		answer, err := room.Speak(r.Context(), string(who.user), offer)
		s.writeAnswer(w, r, answer, err)
	}
}

// onlineHand raises or lowers the caller's hand.
func (s *Pages) onlineHand(w http.ResponseWriter, r *http.Request) {
	t, x, _, who, ok := s.onlineSession(w, r, true)
	if !ok {
		return
	}
	room, ok := s.onlineRoom(w, r, x)
	if !ok {
		return
	}
	room.RaiseHand(string(who.user), r.PostForm.Get("up") == "1")
	web.Redirect(w, r, s.Path(onlinePath, t.Slug, string(x.ID)))
}

// onlineFloor gives a present learner the floor, or takes it back.
func (s *Pages) onlineFloor(w http.ResponseWriter, r *http.Request) {
	t, x, _, _, ok := s.onlineSession(w, r, true)
	if !ok {
		return
	}
	room, ok := s.onlineRoom(w, r, x)
	if !ok {
		return
	}
	back := s.Path(onlinePath, t.Slug, string(x.ID))
	learner := r.PostForm.Get("learner")
	if learner != "" && (strings.HasPrefix(learner, staffWatch) || !slices.Contains(room.State().Present, learner)) {
		web.Redirect(w, r, back+"?done=not_present")
		return
	}
	room.GiveFloor(learner)
	web.Redirect(w, r, back)
}
