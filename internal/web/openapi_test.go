package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/identity"
)

func TestExploreOpenAPI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := app.New(ctx, &config.Config{DataDir: dir, Database: "sqlite:" + dir + "/s.db", BaseURL: "http://127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	u, err := a.Identity.EnsureUser(ctx, audit.Actor{Label: "t"}, identity.EnsureInput{Email: "c@example.org", Name: "Coord", Password: "correct horse battery staple 9", Lang: "en", Coordinator: true, MFAExempt: true})
	if err != nil {
		t.Fatal(err)
	}
	sec, _, err := a.Identity.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(sec, time.Now())
	u, _ = a.Identity.ByID(ctx, u.ID)
	if err := a.Identity.ConfirmTOTP(ctx, audit.Actor{}, u, code); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	do := func(method, path, body string, hdr ...string) string {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, rd)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out := rec.Body.String()
		fmt.Printf("%s %s -> %d %s %q %s\n", method, path, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("WWW-Authenticate"), strings.TrimSpace(out))
		return out
	}
	do("POST", "/api/v1/auth/token", `{"email":"c@example.org","password":"correct horse battery staple 9"}`, "Content-Type", "application/json")
	do("POST", "/api/v1/auth/token", `{"email":"c@example.org","password":"correct horse battery staple 9","otp":"000000"}`, "Content-Type", "application/json")
	tok := do("POST", "/api/v1/auth/token", `{"email":"c@example.org","password":"correct horse battery staple 9","otp":"`+code+`"}`, "Content-Type", "application/json")
	i := strings.Index(tok, `"token":"`)
	bearer := "Bearer " + tok[i+9:i+9+strings.Index(tok[i+9:], `"`)]
	do("GET", "/api/v1/me", "", "Authorization", bearer)
	do("GET", "/api/v1/me", "")
	do("GET", "/api/v1/tenants", "", "Authorization", "Bearer junk")
	do("POST", "/api/v1/tenants", `{"slug":"fukuoka","region_code":"401307"}`, "Content-Type", "application/json", "Authorization", bearer)
	do("POST", "/api/v1/tenants", `{"slug":"x","region_code":"zz","contact":{"email":"nope"}}`, "Content-Type", "application/json", "Authorization", bearer)
	do("POST", "/api/v1/tenants", `{"slug":"x"}`, "Authorization", bearer)
	do("POST", "/api/v1/tenants", `{"slug":`, "Content-Type", "application/json", "Authorization", bearer)
	do("POST", "/api/v1/tenants", `{"bogus":1}`, "Content-Type", "application/json", "Authorization", bearer)
	do("PATCH", "/api/v1/tenants/fukuoka", `{"status":"bogus"}`, "Content-Type", "application/json", "Authorization", bearer)
	do("PATCH", "/api/v1/tenants/fukuoka", `{"status":"suspended","slug":"other"}`, "Content-Type", "application/json", "Authorization", bearer)
	do("GET", "/api/v1/tenants/fukuoka", "")
	do("GET", "/api/v1/t/fukuoka", "")
	do("GET", "/api/v1/t/fukuoka/staff", "")
	do("GET", "/api/v1/t/nope/staff", "")
	do("PATCH", "/api/v1/tenants/fukuoka", `{"status":"active"}`, "Content-Type", "application/json", "Authorization", bearer)
	do("POST", "/api/v1/t/fukuoka/staff", `{"name":"A B","email":"ab@example.org","password":"correct horse battery staple 9","roles":["officer"]}`, "Content-Type", "application/json", "Authorization", bearer)
	do("POST", "/api/v1/t/fukuoka/staff", `{"name":"","email":"ab@example.org","password":"x","roles":["boss"]}`, "Content-Type", "application/json", "Authorization", bearer)
	do("GET", "/api/v1/t/fukuoka/staff", "", "Authorization", bearer)
	do("GET", "/api/v1/t/fukuoka/staff", "", "Authorization", bearer, "Accept-Language", "ja")
	do("DELETE", "/api/v1/tenants", "")
	do("PUT", "/api/v1/tenants/fukuoka", "")
	do("POST", "/api/v1/tenants", `{}`, "Content-Type", "application/json", "Authorization", bearer, "Sec-Fetch-Site", "cross-site")
	do("GET", "/api/v1/regions?country=JP&level=prefecture&limit=2&lang=id", "")
	do("GET", "/api/v1/regions?country=XX", "")
	do("GET", "/api/v1/regions?limit=0", "")
	do("GET", "/api/v1/regions?level=ward&limit=1", "")
	do("POST", "/api/v1/auth/token", `{"email":"c@example.org","password":"wrong"}`, "Content-Type", "application/json")
	do("POST", "/api/v1/auth/token", `{"email":"ab@example.org","password":"correct horse battery staple 9"}`, "Content-Type", "application/json")
	do("POST", "/api/v1/tenants", strings.Repeat(" ", 2<<20), "Content-Type", "application/json", "Authorization", bearer)
	do("GET", "/api/v1/openapi.json", "")
}
