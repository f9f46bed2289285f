package web

import "github.com/serambi/serambi/internal/identity"

// The policies of the table's routes (policy.go says how each is held).
var (
	anyone   = Public()
	SignedIn = AnyAccount()
	// TenantAdmin: the tenant's admins (and the coordinator).
	TenantAdmin = Staff(identity.Admin)
	// Coordinator: the network coordinator (exported for the area
	// packages' route tables).
	Coordinator = NetworkCoordinator()
	officers    = Staff(identity.Officer, identity.Admin)
	// KioskDevice: a registered kiosk of the tenant (by its device token).
	KioskDevice = OwnedBy(KioskObject, "kiosk")
)

// routes is Serambi's whole routing table.
func (s *Server) routes() []Route {
	return []Route{
		{"GET", "/static/v/{file...}", anyone, s.static},
		{"GET", "/static/theme/{tenant}", anyone, s.theme},
		{"GET", "/healthz", anyone, s.healthz},
		{"GET", "/readyz", anyone, s.readyz},
		{"GET", "/metrics", anyone, s.metricsPage},

		{"GET", "/{$}", anyone, s.networkHome},
		{"GET", "/signin", anyone, s.signinForm},
		{"POST", "/signin", anyone, s.signin},
		{"GET", "/signin/otp", anyone, s.otpForm},
		{"POST", "/signin/otp", anyone, s.otp},
		{"POST", "/signout", SignedIn, s.signout},
		{"POST", "/prefs", anyone, s.prefs},

		{"GET", "/{tenant}/{$}", anyone, s.tenantHome},
		{"GET", "/{tenant}/register", anyone, s.registerForm},
		{"POST", "/{tenant}/register", anyone, s.register},

		{"GET", "/track", anyone, s.trackPage},
		// Served by verifyDispatch, not the mux (see there); listed so the
		// table holds every route.
		{"GET", "/verify/{code}", anyone, s.verifyRoute},
		{"GET", "/verify/{code}/qr.png", anyone, s.verifyRoute},
		{"GET", "/api/v1/track/{number}", anyone, s.apiTrack},
	}
}
