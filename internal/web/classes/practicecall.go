package classes

import (
	"errors"
	"net/http"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/sfu"
	"github.com/serambi/serambi/internal/tenant"
	"github.com/serambi/serambi/internal/web"
)

// A practice video call: the instructor calls one learner from the roster
// and the learner's phone rings on the call exercise's page; they answer
// with the big green button, see and hear the instructor and speak back.
// It is a room of two in the online classes' forwarding (internal/sfu):
// the instructor sends, the learner holds the floor from the moment they
// answer. The exercise is done when the call connects.

const (
	callPath = "/{tenant}/classes/calls/{user}" // the instructor's side, for one learner
	ringPath = "/{tenant}/classes/call"         // the learner's side
)

// callRoomID is learner's practice call room in tenant t: one at a time.
func callRoomID(t *tenant.Tenant, learner ids.User) string {
	return "call/" + string(t.ID) + "/" + string(learner)
}

// callLearner reads {user}: a resident of the tenant, for the teacher's
// routes (the policy has let only teachers in).
func (s *Pages) callLearner(w http.ResponseWriter, r *http.Request) (*tenant.Tenant, identity.User, bool) {
	t, ok := s.LoadTenant(w, r)
	if !ok || !s.ParseForm(w, r) {
		return nil, identity.User{}, false
	}
	u, err := s.Identity.ByID(r.Context(), ids.User(r.PathValue("user")))
	if err == nil && !s.isMemberOf(r, t, u.ID) {
		err = identity.ErrNotFound
	}
	switch {
	case errors.Is(err, identity.ErrNotFound):
		s.NotFound(w, r)
		return nil, u, false
	case err != nil:
		s.ServerError(w, r, err)
		return nil, u, false
	}
	return t, u, true
}

// isMemberOf tells whether user is a learner of t (enrolled in any of its
// classes): an instructor calls only their tenant's learners.
func (s *Pages) isMemberOf(r *http.Request, t *tenant.Tenant, user ids.User) bool {
	mine, err := s.Classes.LearnerEnrolments(r.Context(), t.ID, user)
	s.LogFailure(r, "read a learner's classes", err)
	return len(mine) > 0
}

// callPage is the instructor's side: start the camera (the learner's
// phone then rings), hear the learner, hang up.
func (s *Pages) callPage(w http.ResponseWriter, r *http.Request) {
	t, u, ok := s.callLearner(w, r)
	if !ok {
		return
	}
	p := s.NewPage(r, "call.practice.title")
	p.Tenant = t
	p.NoIndex = true
	base := s.Path(callPath, t.Slug, string(u.ID))
	mediaAllowed(w)
	p.Data = struct {
		Learner, Base, ICE string
		On                 bool
	}{u.Name, base, s.iceJSON(r, onlineWho{user: web.UserOf(r).ID}), s.Classrooms.On()}
	s.Render(w, http.StatusOK, "class_call", p)
}

// callRoom is the learner's call room, made when the teacher calls.
func (s *Pages) callRoom(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, learner ids.User, create bool) (*sfu.Room, bool) {
	id := callRoomID(t, learner)
	if !create {
		room := s.Classrooms.Existing(id)
		if room == nil {
			s.Problem(w, r, http.StatusConflict, "no_call", "problem.call.none")
		}
		return room, room != nil
	}
	room, ok := s.room(w, r, id)
	if ok {
		room.SetCall()
	}
	return room, ok
}

// callPublish: the instructor calls (their camera and voice).
func (s *Pages) callPublish(w http.ResponseWriter, r *http.Request) {
	s.callOffer(w, r, func(room *sfu.Room, offer string) (string, error) {
		room.SetHost(web.UserOf(r).Name)
		return room.Publish(r.Context(), offer)
	})
}

// callWatch: the instructor hears and sees the learner.
func (s *Pages) callWatch(w http.ResponseWriter, r *http.Request) {
	s.callOffer(w, r, func(room *sfu.Room, offer string) (string, error) {
		return room.Subscribe(r.Context(), staffWatch+string(web.UserOf(r).ID), offer)
	})
}

// callOffer answers an offer of the instructor's side with take.
func (s *Pages) callOffer(w http.ResponseWriter, r *http.Request, take func(*sfu.Room, string) (string, error)) {
	t, u, ok := s.callLearner(w, r)
	if !ok {
		return
	}
	room, ok := s.callRoom(w, r, t, u.ID, true)
	if !ok {
		return
	}
	if offer, ok := s.readOffer(w, r); ok {
		answer, err := take(room, offer)
		s.writeAnswer(w, r, answer, err)
	}
}

// callEnd hangs the call up.
func (s *Pages) callEnd(w http.ResponseWriter, r *http.Request) {
	t, u, ok := s.callLearner(w, r)
	if !ok {
		return
	}
	s.Classrooms.End(callRoomID(t, u.ID))
	web.Redirect(w, r, s.Path(callPath, t.Slug, string(u.ID))+"?done=practice_call_ended")
}

// ringState tells the learner's phone whether it is ringing, and who calls.
func (s *Pages) ringState(w http.ResponseWriter, r *http.Request) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	out := struct {
		Ringing bool   `json:"ringing"`
		Caller  string `json:"caller,omitempty"`
	}{}
	if room := s.Classrooms.Existing(callRoomID(t, web.UserOf(r).ID)); room != nil {
		st := room.State()
		out.Ringing, out.Caller = st.Live, st.Host
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// ringAnswer: the learner answers; they hold the floor from now on.
func (s *Pages) ringAnswer(w http.ResponseWriter, r *http.Request) {
	s.ringOffer(w, r, func(room *sfu.Room, me ids.User, offer string) (string, error) {
		room.GiveFloor(string(me))
		return room.Subscribe(r.Context(), string(me), offer)
	})
}

// ringSpeak: the learner's voice.
func (s *Pages) ringSpeak(w http.ResponseWriter, r *http.Request) {
	s.ringOffer(w, r, func(room *sfu.Room, me ids.User, offer string) (string, error) {
		return room.Speak(r.Context(), string(me), offer)
	})
}

func (s *Pages) ringOffer(w http.ResponseWriter, r *http.Request, take func(*sfu.Room, ids.User, string) (string, error)) {
	t, ok := s.LoadTenant(w, r)
	if !ok {
		return
	}
	me := web.UserOf(r).ID
	room, ok := s.callRoom(w, r, t, me, false)
	if !ok {
		return
	}
	if offer, ok := s.readOffer(w, r); ok {
		answer, err := take(room, me, offer)
		s.writeAnswer(w, r, answer, err)
	}
}
