package locale

import (
	"testing"
	"time"
	_ "time/tzdata"
)

func TestDate(t *testing.T) {
	t.Parallel()
	jkt, _ := time.LoadLocation("Asia/Jakarta")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	// 2026-11-26 20:00 UTC is already the 27th in Jakarta (03:00 WIB).
	instant := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)
	cases := []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{"id", jkt, "27 November 2026"},
		{"en", jkt, "27 November 2026"},
		{"ja", tokyo, "2026年11月27日（令和8年）"},
		{"en", time.UTC, "26 November 2026"},
	}
	for _, c := range cases {
		if got := Date(c.lang, instant, c.loc); got != c.want {
			t.Errorf("Date(%s, %v) = %q, want %q", c.lang, c.loc, got, c.want)
		}
	}
	if got := Date("id", time.Date(2026, 8, 17, 0, 0, 0, 0, time.UTC), nil); got != "17 Agustus 2026" {
		t.Errorf("Indonesian month: %q", got)
	}
	if got := DateTime("id", instant, jkt); got != "27 November 2026, 03.00 WIB" {
		t.Errorf("DateTime id = %q", got)
	}
	if got := DateTime("ja", instant, tokyo); got != "2026年11月27日（令和8年） 5:00 JST" {
		t.Errorf("DateTime ja = %q", got)
	}
}

func TestJapaneseEra(t *testing.T) {
	t.Parallel()
	cases := []struct {
		y, m, d int
		want    string
	}{
		{2019, 4, 30, "平成31年"},
		{2019, 5, 1, "令和元年"},
		{2020, 1, 1, "令和2年"},
		{2026, 11, 27, "令和8年"},
		{1989, 1, 7, "昭和64年"},
		{1989, 1, 8, "平成元年"},
		{1950, 6, 1, "昭和25年"},
	}
	for _, c := range cases {
		if got := JapaneseEra(time.Date(c.y, time.Month(c.m), c.d, 12, 0, 0, 0, time.UTC)); got != c.want {
			t.Errorf("%d-%d-%d: %q, want %q", c.y, c.m, c.d, got, c.want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"ja,en;q=0.8": "ja", "id-ID,id;q=0.9": "id", "en-GB": "en", "fr": "", "": "", "garbage;;;": "",
		"de, ja;q=0.5": "ja",
	}
	for h, want := range cases {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}
