package application_test

import (
	"strings"
	"testing"

	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/db/dbtest"
	"github.com/serambi/serambi/internal/identity"
)

// TestAnswersAreSealedAtRest: with a cipher, the answers column holds no
// NIK or name in clear, and the service reads them back unchanged.
func TestAnswersAreSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, err := identity.NewFieldCipher([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		e.apps.SealAnswers(c)
		s := e.site(t, "banyuwangi", "35.10", "BWI")
		a := e.submit(t, s, e.user(t, "Warga"))
		var stored string
		if err := d.QueryRowContext(e.ctx, "SELECT answers FROM applications WHERE id = ?", a.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		nik, _ := complete()["child_nik"].(string)
		if !strings.HasPrefix(stored, "v1.") || strings.Contains(stored, nik) {
			t.Fatalf("answers stored in clear: %.60s", stored)
		}
		got := e.get(t, s, string(a.ID))
		if got.Answers["child_nik"] != nik {
			t.Fatalf("answers read back = %v", got.Answers)
		}
		// Moving a sealed row to another application does not open it.
		other := e.submit(t, s, e.user(t, "Lain"))
		if _, err := d.ExecContext(e.ctx, "UPDATE applications SET answers = ? WHERE id = ?", stored, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.apps.Get(e.ctx, s.tn.ID, other.ID); err == nil {
			t.Fatal("answers sealed for one application opened for another")
		}
	})
}
