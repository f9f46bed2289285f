// Package testenv is the one fixture of the domain tests: on a database
// from dbtest, a fixed clock at Start, the region directory, and the two
// tenants every test knows (fukuoka in Asia/Tokyo, banyuwangi in
// Asia/Jakarta), with accounts made on demand. It imports only packages
// below the domain stores (db, clock, region, tenant, audit), so the
// stores' own in-package tests can use it.
package testenv

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/clock"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
	"github.com/serambi/serambi/internal/region"
	"github.com/serambi/serambi/internal/tenant"
)

// Start is "now" in the tests: Friday 13 November 2026, 12:00 in Japan,
// 10:00 in Banyuwangi.
var Start = time.Date(2026, 11, 13, 3, 0, 0, 0, time.UTC)

// TenantRegions are the tenants of New, by slug: region code.
var TenantRegions = map[string]string{
	"fukuoka":    "401307", // Asia/Tokyo
	"banyuwangi": "35.10",  // Asia/Jakarta (WIB, UTC+7)
}

var loadRegions = sync.OnceValues(region.Load)

// Regions is the official directory, loaded once per test binary.
func Regions(t testing.TB) *region.Directory {
	t.Helper()
	dir, err := loadRegions()
	if err != nil {
		t.Fatalf("load regions: %v", err)
	}
	return dir
}

// Env is a test's world.
type Env struct {
	Ctx         context.Context
	DB          *db.DB
	Clock       *clock.Fixed
	Regions     *region.Directory
	TenantStore *tenant.Service
	Tenants     map[string]tenant.Tenant // by slug
	seq         atomic.Int64             // for unique emails and codes
}

// New makes the world on d with the tenants of TenantRegions.
func New(t testing.TB, d *db.DB) *Env {
	t.Helper()
	e := Bare(t, d)
	for slug, code := range TenantRegions {
		e.Tenant(t, tenant.Input{Slug: slug, RegionCode: code})
	}
	return e
}

// Bare is New without tenants, for tests that make their own.
func Bare(t testing.TB, d *db.DB) *Env {
	t.Helper()
	clk := clock.NewFixed(Start)
	dir := Regions(t)
	return &Env{Ctx: context.Background(), DB: d, Clock: clk, Regions: dir,
		TenantStore: tenant.NewService(d, dir, clk), Tenants: map[string]tenant.Tenant{}}
}

// Tenant creates one more tenant and keeps it under its slug.
func (e *Env) Tenant(t testing.TB, in tenant.Input) tenant.Tenant {
	t.Helper()
	tn, err := e.TenantStore.Create(e.Ctx, audit.System, in)
	if err != nil {
		t.Fatalf("create tenant %s: %v", in.Slug, err)
	}
	e.Tenants[tn.Slug] = tn
	return tn
}

// User inserts a minimal account named name and returns it as the actor
// of what it does.
func (e *Env) User(t testing.TB, name string) audit.Actor {
	t.Helper()
	n := e.seq.Add(1)
	id := db.NewID()
	email := fmt.Sprintf("%s-%d@example.id", name, n)
	now := e.Clock.Now()
	if _, err := e.DB.ExecContext(e.Ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?)`, id, email, name, now, now); err != nil {
		t.Fatalf("insert user %s: %v", name, err)
	}
	return audit.Actor{ID: ids.User(id), Label: email, IP: "192.0.2.1"}
}

// Next is a number no other call of this Env returns, for unique codes.
func (e *Env) Next() int64 { return e.seq.Add(1) }
