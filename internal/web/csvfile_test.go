package web

import (
	"encoding/csv"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestSpreadsheetSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"Petugasnya sabar", "Petugasnya sabar"}, {"80.56", "80.56"}, {"80,56", "80,56"},
		{"=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"}, {"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"}, {"\r=1", "'\r=1"},
		{"-3", "-3"}, {"+1.5", "+1.5"}, {"-", "'-"}, {"a=b", "a=b"}, {"とても=よい", "とても=よい"},
	} {
		if got := SpreadsheetSafe(tc.in); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	rec := httptest.NewRecorder()
	rows := [][]string{{"Bulan", "Komentar"}, {"2026-12", "=1+1"}, {"2026-11", "Bagus, \"sekali\"\nterima kasih"}}
	if err := WriteCSV(rec, "comments-banyuwangi-2026-Q4", rows); err != nil {
		t.Fatal(err)
	}
	if ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		cd != `attachment; filename="comments-banyuwangi-2026-Q4.csv"` {
		t.Errorf("headers %q %q", ct, cd)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("no byte-order mark: %q", body[:10])
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Bulan", "Komentar"}, {"2026-12", "'=1+1"}, {"2026-11", "Bagus, \"sekali\"\nterima kasih"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("read back %q, want %q", got, want)
	}
}
