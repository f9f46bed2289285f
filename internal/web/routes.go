package web

// Roles on routes, for documentation and the cross-tenant test harness.
var (
	anyone      = []string{"anyone"}
	signedIn    = []string{"user"}
	tenantAdmin = []string{"admin", "coordinator"}
	coordinator = []string{"coordinator"}
	officers    = []string{"officer", "admin", "coordinator"}
	// applicantOrStaff: the resident who applied, or the tenant's staff.
	applicantOrStaff = []string{"applicant", "officer", "admin"}
	// appointmentOwner: the resident it is for, or the tenant's staff.
	appointmentOwner = []string{"applicant", "officer", "admin"}
)

// routes is Serambi's whole routing table.
func (s *Server) routes() []route {
	return []route{
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
		{"POST", "/signout", signedIn, s.signout},
		{"POST", "/prefs", anyone, s.prefs},

		{"GET", "/account", signedIn, s.account},
		{"POST", "/account/preferences", signedIn, s.accountPreferences},
		{"POST", "/account/password", signedIn, s.accountPassword},
		{"POST", "/account/sessions/end", signedIn, s.accountEndSession},
		{"POST", "/account/sessions/end-all", signedIn, s.accountEndAll},
		{"GET", "/account/totp", signedIn, s.totpForm},
		{"POST", "/account/totp", signedIn, s.totpConfirm},
		{"GET", "/account/totp/qr.png", signedIn, s.totpQR},

		{"GET", "/network/tenants", coordinator, s.networkTenants},
		{"GET", "/network/tenants/new", coordinator, s.networkTenantNew},
		{"POST", "/network/tenants", coordinator, s.networkTenantCreate},
		{"GET", "/network/tenants/{slug}", coordinator, s.networkTenantEdit},
		{"POST", "/network/tenants/{slug}", coordinator, s.networkTenantUpdate},
		{"POST", "/network/tenants/{slug}/status", coordinator, s.networkTenantStatus},
		{"GET", "/network/audit", coordinator, s.networkAudit},

		{"GET", "/{tenant}/{$}", anyone, s.tenantHome},
		{"GET", "/{tenant}/register", anyone, s.registerForm},
		{"POST", "/{tenant}/register", anyone, s.register},
		{"GET", "/{tenant}/admin/staff", tenantAdmin, s.staffList},
		{"GET", "/{tenant}/admin/staff/new", tenantAdmin, s.staffNew},
		{"POST", "/{tenant}/admin/staff", tenantAdmin, s.staffCreate},
		{"POST", "/{tenant}/admin/staff/{user}/roles", tenantAdmin, s.staffRoles},
		{"POST", "/{tenant}/admin/staff/{user}/end-sessions", tenantAdmin, s.staffEndSessions},
		{"GET", "/{tenant}/admin/audit", tenantAdmin, s.tenantAudit},
		{"GET", "/{tenant}/admin/services", tenantAdmin, s.adminServices},
		{"GET", "/{tenant}/admin/services/new", tenantAdmin, s.adminServiceNew},
		{"POST", "/{tenant}/admin/services", tenantAdmin, s.adminServiceSave},
		{"POST", "/{tenant}/admin/services/import", tenantAdmin, s.adminServiceImport},
		{"GET", "/{tenant}/admin/services/{code}", tenantAdmin, s.adminServiceEdit},
		{"POST", "/{tenant}/admin/services/{code}", tenantAdmin, s.adminServiceSave},
		{"GET", "/{tenant}/admin/services/{code}/export", tenantAdmin, s.adminServiceExport},
		{"GET", "/{tenant}/admin/services/{code}/form", tenantAdmin, s.adminForm},
		{"POST", "/{tenant}/admin/services/{code}/form/pages", tenantAdmin, s.adminFormAddPage},
		{"GET", "/{tenant}/admin/services/{code}/form/questions/new", tenantAdmin, s.adminQuestionNew},
		{"POST", "/{tenant}/admin/services/{code}/form/questions", tenantAdmin, s.adminQuestionCreate},
		{"GET", "/{tenant}/admin/services/{code}/form/questions/{name}", tenantAdmin, s.adminQuestionEdit},
		{"POST", "/{tenant}/admin/services/{code}/form/questions/{name}", tenantAdmin, s.adminQuestionSave},
		{"POST", "/{tenant}/admin/services/{code}/form/questions/{name}/move", tenantAdmin, s.adminQuestionMove},
		{"POST", "/{tenant}/admin/services/{code}/form/questions/{name}/delete", tenantAdmin, s.adminQuestionDelete},
		{"GET", "/{tenant}/admin/outbox", tenantAdmin, s.adminOutbox},
		{"GET", "/{tenant}/admin/outbox/{id}", tenantAdmin, s.adminMessage},
		{"GET", "/{tenant}/admin/calendar", tenantAdmin, s.adminCalendar},
		{"POST", "/{tenant}/admin/calendar", tenantAdmin, s.adminCalendarSet},
		{"POST", "/{tenant}/admin/calendar/remove", tenantAdmin, s.adminCalendarRemove},

		{"GET", "/{tenant}/services", anyone, s.servicesPage},
		{"GET", "/{tenant}/services/{code}", anyone, s.servicePage},
		{"POST", "/{tenant}/services/{code}/apply", signedIn, s.startApplication},
		{"GET", "/{tenant}/applications", signedIn, s.myApplications},
		{"GET", "/{tenant}/applications/{id}", applicantOrStaff, s.applicationPage},
		{"GET", "/{tenant}/applications/{id}/edit", applicantOrStaff, s.editApplication},
		{"POST", "/{tenant}/applications/{id}/edit", applicantOrStaff, s.saveSection},
		{"GET", "/{tenant}/applications/{id}/check", applicantOrStaff, s.checkAnswers},
		{"POST", "/{tenant}/applications/{id}/actions", applicantOrStaff, s.act},
		{"POST", "/{tenant}/applications/{id}/assign", officers, s.assign},
		{"GET", "/{tenant}/inbox", officers, s.inbox},
		{"GET", "/{tenant}/assist", officers, s.assistForm},
		{"POST", "/{tenant}/assist", officers, s.assistStart},
		{"POST", "/{tenant}/applications/{id}/confirmation", officers, s.requestConfirmation},
		{"POST", "/{tenant}/applications/{id}/confirm", applicantOrStaff, s.confirm},
		{"GET", "/{tenant}/applications/{id}/result", applicantOrStaff, s.resultDocument},
		{"POST", "/{tenant}/applications/{id}/documents", applicantOrStaff, s.uploadDocument},
		{"POST", "/{tenant}/applications/{id}/documents/delete", applicantOrStaff, s.deleteDocument},
		{"GET", "/{tenant}/documents/{id}", applicantOrStaff, s.downloadDocument},
		{"GET", "/track", anyone, s.trackPage},
		{"GET", "/{tenant}/counters", anyone, s.countersPage},
		{"GET", "/{tenant}/counters/{id}", anyone, s.counterPage},
		{"POST", "/{tenant}/counters/{id}/appointments", signedIn, s.book},
		{"GET", "/{tenant}/appointments", signedIn, s.myAppointments},
		{"POST", "/{tenant}/appointments/{id}/cancel", appointmentOwner, s.cancelAppointment},
		{"GET", "/{tenant}/appointments/{id}/calendar.ics", appointmentOwner, s.appointmentICS},
		{"GET", "/feeds/officer/{token}", anyone, s.officerFeed},
		{"GET", "/{tenant}/desk", officers, s.deskPage},
		{"POST", "/{tenant}/desk/{id}/no-show", officers, s.markNoShow},

		{"GET", "/api/v1/openapi.json", anyone, s.apiOpenAPI},
		{"GET", "/api/v1/regions", anyone, s.apiRegions},
		{"GET", "/api/v1/tenants", anyone, s.apiTenants},
		{"POST", "/api/v1/tenants", coordinator, s.apiTenantCreate},
		{"GET", "/api/v1/tenants/{slug}", anyone, s.apiTenant},
		{"PATCH", "/api/v1/tenants/{slug}", coordinator, s.apiTenantUpdate},
		{"POST", "/api/v1/auth/token", anyone, s.apiToken},
		{"GET", "/api/v1/me", signedIn, s.apiMe},
		{"GET", "/api/v1/t/{tenant}", anyone, s.apiTenantHome},
		{"GET", "/api/v1/t/{tenant}/staff", tenantAdmin, s.apiStaff},
		{"POST", "/api/v1/t/{tenant}/staff", tenantAdmin, s.apiStaffCreate},
		{"GET", "/api/v1/t/{tenant}/services", anyone, s.apiServices},
		{"GET", "/api/v1/t/{tenant}/services/{code}", anyone, s.apiService},
		{"POST", "/api/v1/t/{tenant}/documents", signedIn, s.apiUpload},
		{"POST", "/api/v1/t/{tenant}/applications", signedIn, s.apiApply},
		{"GET", "/api/v1/t/{tenant}/applications/{id}", applicantOrStaff, s.apiApplication},
		{"POST", "/api/v1/t/{tenant}/applications/{id}/actions", applicantOrStaff, s.apiAct},
		{"GET", "/api/v1/track/{number}", anyone, s.apiTrack},
		{"GET", "/api/v1/t/{tenant}/counters", anyone, s.apiCounters},
		{"GET", "/api/v1/t/{tenant}/counters/{id}/slots", anyone, s.apiSlots},
		{"POST", "/api/v1/t/{tenant}/appointments", signedIn, s.apiBook},
		{"DELETE", "/api/v1/t/{tenant}/appointments/{id}", appointmentOwner, s.apiCancel},
	}
}
