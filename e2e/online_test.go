package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/ids"
)

// TestOnlineClass: an instructor at a desk starts an online class with
// Chromium's fake camera and microphone; a learner on a phone joins and
// sees the instructor's picture playing (decoded after passing through
// the server's forwarding), raises a hand without leaving the page, the
// instructor sees it and lets them speak, and the learner's voice reaches
// the server while the picture keeps playing. Both pages pass the audit.
func TestOnlineClass(t *testing.T) {
	t.Parallel()
	serverURL(t)
	ctx := context.Background()
	ten, err := shared.app.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := shared.app.Classes.Courses(ctx, ten.ID, true)
	if err != nil || len(cs) == 0 {
		t.Fatalf("courses: %v", err)
	}
	at := shared.app.Clock.Now().Add(10 * time.Minute)
	x, err := shared.app.Classes.CreateSession(ctx, audit.System, ten.ID, classes.Session{CourseID: cs[0].ID, StartsAt: at,
		EndsAt: at.Add(time.Hour), Online: true, Capacity: 10})
	if err != nil {
		t.Fatal(err)
	}
	const login = "learner1@fukuoka.demo"
	u, err := shared.app.Identity.ByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shared.app.Classes.Enrol(ctx, audit.Actor{ID: u.ID, Label: u.Email}, ten.ID, x.ID, u.ID,
		classes.Questions{Phone: classes.PhoneAndroid}); err != nil {
		t.Fatal(err)
	}
	page := "/fukuoka/classes/sessions/" + string(x.ID) + "/online"

	phone, desktop := phoneAndDesktop()
	teacher := openPage(t, desktop, mediaFlags...)
	learner := openPage(t, phone, mediaFlags...)
	signIn(teacher, "instructor@fukuoka.demo", "/fukuoka/classes/sessions/"+string(x.ID))
	teacher.Click(`#main a[href="` + page + `"]`)
	teacher.Require(`#online:not([hidden]) #online-start`, "the online class: the start button")
	tap(teacher, "#online-start")
	waitTrue(teacher, "the instructor's own camera plays", `document.getElementById("online-camera").videoWidth > 0`)
	waitTrue(teacher, "the instructor's connection is up", `document.getElementById("online-say").textContent !== "" && !document.getElementById("online-share").hidden`)
	waitRoom(t, x.ID, "the instructor's video reaches the server", func(st roomState) bool { return st.Live })

	signIn(learner, login, "/fukuoka/classes/sessions/"+string(x.ID))
	learner.Click(`#main a[href="` + page + `"]`)
	tap(learner, "#online-start")
	// The picture plays: frames came through the server and were decoded.
	waitTrue(learner, "the instructor's picture plays on the learner's phone",
		`(() => { const v = document.getElementById("online-camera"); return v.videoWidth > 0 && v.currentTime > 1; })()`)
	learner.Audit()

	tap(learner, `#online-people form[action$="/hand"] button`)
	waitTrue(learner, "the raised hand is shown without leaving the page", `!!document.querySelector('#online-people form[action$="/hand"] input[name="up"][value="0"]')`)
	if learner.URLPath() != page {
		learner.errorf("raising a hand left the page for %s", learner.Path())
	}
	waitTrue(teacher, "the instructor sees the raised hand", `!!document.querySelector('#online-people form[action$="/floor"] input[name="learner"][value="`+string(u.ID)+`"]')`)
	tap(teacher, `#online-people form[action$="/floor"] button`)
	waitRoom(t, x.ID, "the learner's voice reaches the server", func(st roomState) bool { return st.Floor == string(u.ID) && st.Speaking })
	waitTrue(learner, "the learner is told they may speak", `document.getElementById("online-say").textContent.length > 0 && document.querySelector("#online-people strong") !== null`)
	before := eval[float64](learner, `document.getElementById("online-camera").currentTime`)
	time.Sleep(time.Second)
	if now := eval[float64](learner, `document.getElementById("online-camera").currentTime`); now <= before {
		learner.errorf("the picture stopped when the learner began to speak (%.2f s, then %.2f s)", before, now)
	}
	teacher.Audit()
	if !strings.Contains(teacher.Text("#online-people"), u.Name) {
		teacher.errorf("the instructor's list does not name %s", u.Name)
	}
}

type roomState struct {
	Live, Speaking bool
	Floor          string
}

// waitRoom waits until the server's room of session id is as ok says.
func waitRoom(t *testing.T, id ids.ClassSession, what string, ok func(roomState) bool) {
	t.Helper()
	deadline := time.Now().Add(callWait)
	for {
		room, err := shared.app.Classrooms.Room(string(id))
		if err != nil {
			t.Fatal(err)
		}
		st := room.State()
		if ok(roomState{Live: st.Live, Speaking: st.Speaking, Floor: st.Floor}) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s (room: %+v)", what, callWait, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPracticeCall: on a phone, a learner waits on the "answering a video
// call" exercise; the instructor, at a desk, calls them from the class's
// roster; the phone shows who is calling with the green and red buttons,
// the learner presses the green one, sees the instructor's picture
// playing, the exercise is saved as done, and their voice reaches the
// server; when the instructor hangs up, the phone says the call ended.
func TestPracticeCall(t *testing.T) {
	t.Parallel()
	serverURL(t)
	ctx := context.Background()
	const login = "learner1@banyuwangi.demo"
	u, err := shared.app.Identity.ByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	ten, _ := shared.app.Tenants.BySlug(ctx, "banyuwangi")
	phone, desktop := phoneAndDesktop()
	learner := openPage(t, phone, mediaFlags...)
	teacher := openPage(t, desktop, mediaFlags...)

	signIn(learner, login, "/banyuwangi/classes/practice/exercises")
	learner.Click(`a.exercise-link[href$="/practice/call"]`)
	learner.Require(`#online[data-role="answerer"]:not([hidden])`, "the call exercise: waiting for the call")

	now := shared.app.Clock.Now()
	xs, err := shared.app.Classes.Sessions(ctx, ten.ID, now.Add(24*time.Hour), now.AddDate(0, 1, 0))
	if err != nil || len(xs) == 0 {
		t.Fatalf("banyuwangi's classes: %d %v", len(xs), err)
	}
	signIn(teacher, "instructor@banyuwangi.demo", "/banyuwangi/classes/sessions/"+string(xs[0].ID)+"/roster")
	call := "/banyuwangi/classes/calls/" + string(u.ID)
	teacher.Click(`#main a[href="` + call + `"]`)
	tap(teacher, "#online-start")
	waitTrue(teacher, "the instructor's own camera plays", `document.getElementById("online-camera").videoWidth > 0`)

	waitTrue(learner, "the phone rings with who is calling", `!document.querySelector(".ring-incoming").hidden && document.querySelector(".ring-who").textContent.length > 3`)
	learner.Audit()
	tap(learner, ".ring-answer")
	finished(learner, "call")
	waitTrue(learner, "the instructor's picture plays on the phone",
		`(() => { const v = document.getElementById("online-camera"); return v.videoWidth > 0 && v.currentTime > 1; })()`)
	waitRoom(t, ids.ClassSession("call/"+string(ten.ID)+"/"+string(u.ID)), "the learner's voice reaches the server",
		func(st roomState) bool { return st.Speaking })
	waitTrue(teacher, "the instructor sees the learner's camera",
		`(() => { const v = document.getElementById("online-screen"); return !document.getElementById("online-screen-box").hidden && v.videoWidth > 0; })()`)
	learner.Audit()

	teacher.Click(`#main form[action="` + call + `/end"] button[type=submit]`)
	waitTrue(learner, "the phone says the call ended", `document.querySelector(".ring-video").hidden`)
}
