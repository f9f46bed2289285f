// Package classes is the site of the smartphone classes (pillar 3): the
// courses and their lessons, the sessions coming up, enrolling (oneself,
// a parent, or someone who phoned) with a waitlist when a session is
// full, a learner's own classes, and the instructor's pages that schedule
// sessions and show who comes. It is an area of internal/web: its routes
// join the one table (and its policies), its pages render in the shared
// layout.
package classes

import (
	"embed"

	"github.com/serambi/serambi/internal/identity"
	"github.com/serambi/serambi/internal/web"
)

//go:embed templates
var templates embed.FS

// Pages serves the class pages with the server's rendering core.
type Pages struct{ web.AreaBase }

// New makes the area on s (pass it to web.New).
func New(s *web.Server) web.Area { return &Pages{web.NewAreaBase(s, templates)} }

// Who teaches: instructors and the tenant's admins.
var teachers = web.Staff(identity.Instructor, identity.Admin)

// An enrolment is for its learner, whoever enrolled them (a family
// member, an officer), and the teachers.
var enrolmentParties = web.OwnedBy(web.EnrolmentObject, "learner", "enroller", string(identity.Instructor), string(identity.Admin))

// The list of who needs help in a session: its tenant's teachers and the
// supporters on the session.
var sessionHelpers = web.OwnedBy(web.ClassSessionObject, string(identity.Instructor), string(identity.Admin), "supporter")

// Who practises: a signed-in learner, or a guest with a session's code.
var practising = web.Practising()

// Ticking a learner on the roster is for the teachers of the enrolment's
// tenant.
var enrolmentTeachers = web.OwnedBy(web.EnrolmentObject, string(identity.Instructor), string(identity.Admin))

// Routes implements web.Area.
func (s *Pages) Routes() []web.Route {
	const session = "/{tenant}/classes/sessions/{id}"
	return []web.Route{
		{Method: "GET", Pattern: "/{tenant}/classes", Policy: web.Public(), Handler: s.classesPage},
		{Method: "GET", Pattern: "/{tenant}/classes/courses/{id}", Policy: web.Public(), Handler: s.coursePage},
		{Method: "GET", Pattern: session, Policy: web.Public(), Handler: s.sessionPage},
		{Method: "GET", Pattern: session + "/calendar.ics", Policy: web.Public(), Handler: s.sessionICS},
		{Method: "POST", Pattern: session + "/enrol", Policy: web.SignedIn, Handler: s.enrol},
		{Method: "GET", Pattern: "/{tenant}/classes/mine", Policy: web.SignedIn, Handler: s.myClasses},
		{Method: "GET", Pattern: classesFeedPath, Policy: web.Public(), Handler: s.classesFeed},
		{Method: "POST", Pattern: "/{tenant}/classes/enrolments/{id}/cancel", Policy: enrolmentParties, Handler: s.cancel},

		{Method: "GET", Pattern: "/{tenant}/classes/manage", Policy: teachers, Handler: s.managePage},
		{Method: "POST", Pattern: "/{tenant}/classes/sessions", Policy: teachers, Handler: s.createSession},
		{Method: "GET", Pattern: session + "/roster", Policy: teachers, Handler: s.rosterPage},
		{Method: "POST", Pattern: session + "/cancel", Policy: teachers, Handler: s.cancelSession},
		{Method: "GET", Pattern: session + "/checkin", Policy: teachers, Handler: s.checkInScreen},
		{Method: "GET", Pattern: session + "/checkin/qr.png", Policy: teachers, Handler: s.checkInQR},
		{Method: "POST", Pattern: "/{tenant}/classes/enrolments/{id}/attended", Policy: enrolmentTeachers, Handler: s.markAttended},
		{Method: "GET", Pattern: session + "/here", Policy: web.SignedIn, Handler: s.herePage},
		{Method: "POST", Pattern: session + "/here", Policy: web.SignedIn, Handler: s.checkIn},
		{Method: "POST", Pattern: "/{tenant}/classes/starter", Policy: web.TenantAdmin, Handler: s.copyStarter},
		{Method: "GET", Pattern: "/{tenant}/classes/figures", Policy: teachers, Handler: s.figuresPage},
		{Method: "GET", Pattern: "/{tenant}/classes/figures.csv", Policy: teachers, Handler: s.figuresCSV},

		{Method: "GET", Pattern: courseEditPath, Policy: teachers, Handler: s.editPage},
		{Method: "POST", Pattern: courseEditPath, Policy: teachers, Handler: s.saveCourse},
		{Method: "GET", Pattern: lessonPath, Policy: teachers, Handler: s.lessonPage},
		{Method: "POST", Pattern: lessonPath, Policy: teachers, Handler: s.saveLesson},
		{Method: "POST", Pattern: "/{tenant}/classes/courses/{id}/documents", Policy: teachers, Handler: s.addPicture},
		{Method: "GET", Pattern: "/{tenant}/classes/pictures/{id}", Policy: web.Public(), Handler: s.picture},
		{Method: "POST", Pattern: "/{tenant}/classes/courses/{id}/share", Policy: web.Coordinator, Handler: s.shareCourse},
		{Method: "GET", Pattern: libraryPath, Policy: teachers, Handler: s.libraryPage},
		{Method: "POST", Pattern: libraryPath + "/{id}/copy", Policy: teachers, Handler: s.copyCourse},
		{Method: "GET", Pattern: certificatePath, Policy: web.SignedIn, Handler: s.certificatePage},
		{Method: "POST", Pattern: certificatePath, Policy: web.SignedIn, Handler: s.issueCertificate},
		{Method: "GET", Pattern: helpPath, Policy: practising, Handler: s.helpPage},
		{Method: "POST", Pattern: helpPath, Policy: practising, Handler: s.askHelp},
		{Method: "GET", Pattern: helpersPath, Policy: sessionHelpers, Handler: s.helpersPage},
		{Method: "POST", Pattern: helpersPath, Policy: sessionHelpers, Handler: s.helpersAct},
		{Method: "GET", Pattern: volunteerPath, Policy: web.SignedIn, Handler: s.volunteerPage},
		{Method: "POST", Pattern: volunteerPath, Policy: web.SignedIn, Handler: s.volunteer},
		{Method: "POST", Pattern: "/{tenant}/classes/sessions/{id}/hours", Policy: web.SignedIn, Handler: s.logHours},
		{Method: "GET", Pattern: supportersPath, Policy: teachers, Handler: s.supportersPage},
		{Method: "POST", Pattern: supportersPath + "/{user}/decide", Policy: web.TenantAdmin, Handler: s.decideSupporter},
		{Method: "POST", Pattern: supportersPath + "/{user}/training", Policy: teachers, Handler: s.recordTraining},
		{Method: "POST", Pattern: "/{tenant}/classes/sessions/{id}/team", Policy: teachers, Handler: s.assign},
		{Method: "POST", Pattern: "/{tenant}/classes/sessions/{id}/capacity", Policy: teachers, Handler: s.setCapacity},
		{Method: "GET", Pattern: "/{tenant}/classes/sessions/{id}/change", Policy: teachers, Handler: s.changePage},
		{Method: "POST", Pattern: "/{tenant}/classes/sessions/{id}/change", Policy: teachers, Handler: s.changeSession},

		{Method: "GET", Pattern: web.PracticeEntry, Policy: web.Public(), Handler: s.practiceEntry},
		{Method: "POST", Pattern: web.PracticeEntry, Policy: web.Public(), Handler: s.practiceJoin},
		{Method: "GET", Pattern: exercisesPath, Policy: practising, Handler: s.exercisesPage},
		{Method: "GET", Pattern: exercisePath, Policy: practising, Handler: s.exercisePage},
		{Method: "POST", Pattern: exercisePath, Policy: practising, Handler: s.exerciseResult},
		{Method: "GET", Pattern: mailPath, Policy: practising, Handler: s.mailPage},
		{Method: "POST", Pattern: mailPath, Policy: practising, Handler: s.mailAct},
		{Method: "GET", Pattern: mailPath + "/photo", Policy: practising, Handler: s.mailAttachment},

		{Method: "POST", Pattern: scanPath, Policy: practising, Handler: s.scan},
		{Method: "GET", Pattern: onlinePath, Policy: onlineParties, Handler: s.onlinePage},
		{Method: "GET", Pattern: onlinePath + "/state", Policy: onlineParties, Handler: s.onlineState},
		{Method: "POST", Pattern: onlinePath + "/publish", Policy: teachers, Handler: s.onlinePublish},
		{Method: "POST", Pattern: onlinePath + "/watch", Policy: onlineParties, Handler: s.onlineWatch},
		{Method: "POST", Pattern: onlinePath + "/speak", Policy: onlineParties, Handler: s.onlineSpeak},
		{Method: "POST", Pattern: onlinePath + "/hand", Policy: onlineParties, Handler: s.onlineHand},
		{Method: "POST", Pattern: onlinePath + "/floor", Policy: teachers, Handler: s.onlineFloor},
		{Method: "GET", Pattern: callPath, Policy: teachers, Handler: s.callPage},
		{Method: "POST", Pattern: callPath + "/publish", Policy: teachers, Handler: s.callPublish},
		{Method: "POST", Pattern: callPath + "/watch", Policy: teachers, Handler: s.callWatch},
		{Method: "POST", Pattern: callPath + "/end", Policy: teachers, Handler: s.callEnd},
		{Method: "GET", Pattern: ringPath + "/state", Policy: web.SignedIn, Handler: s.ringState},
		{Method: "POST", Pattern: ringPath + "/answer", Policy: web.SignedIn, Handler: s.ringAnswer},
		{Method: "POST", Pattern: ringPath + "/speak", Policy: web.SignedIn, Handler: s.ringSpeak},
		{Method: "GET", Pattern: servicesPracticePath, Policy: web.SignedIn, Handler: s.sandboxPage},
		{Method: "POST", Pattern: servicesPracticePath, Policy: web.SignedIn, Handler: s.enterSandbox},
		{Method: "GET", Pattern: practiceFinishPath, Policy: web.SignedIn, Handler: s.finishSandbox},
		{Method: "POST", Pattern: practiceFinishPath, Policy: web.SignedIn, Handler: s.finishSandbox},

		{Method: "GET", Pattern: "/api/v1/t/{tenant}/courses", Policy: web.Public(), Handler: s.apiCourses},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/courses/{id}", Policy: web.Public(), Handler: s.apiCourse},
		{Method: "GET", Pattern: "/api/v1/t/{tenant}/sessions", Policy: web.Public(), Handler: s.apiSessions},
		{Method: "POST", Pattern: "/api/v1/t/{tenant}/sessions/{id}/enrolments", Policy: web.SignedIn, Handler: s.apiEnrol},
		{Method: "DELETE", Pattern: "/api/v1/t/{tenant}/enrolments/{id}", Policy: enrolmentParties, Handler: s.apiCancel},
	}
}
