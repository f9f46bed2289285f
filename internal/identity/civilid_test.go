package identity

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

type regionSet map[string]bool

func (r regionSet) Exists(code string) bool { return r[code] }

var testRegions = regionSet{"35": true, "35.10": true, "31": true, "31.71": true}

var testNow = time.Date(2026, time.June, 15, 10, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestValidateNIKValid(t *testing.T) {
	cases := []struct {
		nik    string
		birth  time.Time
		female bool
	}{
		{"3510021708450001", date(1945, time.August, 17), false},
		{"3510 0257 0890 0001", date(1990, time.August, 17), true}, // day+40, spaces
		{"3171010101000123", date(2000, time.January, 1), false},
		{"3171012902000001", date(2000, time.February, 29), false}, // 2000 is a leap year
		{"3171012902040001", date(2004, time.February, 29), false},
		{"3171016902280001", date(1928, time.February, 29), true}, // 2028 is future → 1928 (leap)
		{"3171011506260001", date(2026, time.June, 15), false},    // born today
		{"3171011606260001", date(1926, time.June, 16), false},    // tomorrow in 2026 → 1926
		{"3171017112990001", date(1999, time.December, 31), true},
	}
	for _, c := range cases {
		info, err := ValidateNIK(c.nik, testRegions, testNow)
		if err != nil {
			t.Errorf("ValidateNIK(%q): %v", c.nik, err)
			continue
		}
		if !info.BirthDate.Equal(c.birth) || info.Female != c.female {
			t.Errorf("ValidateNIK(%q) = %v female=%v, want %v female=%v",
				c.nik, info.BirthDate, info.Female, c.birth, c.female)
		}
	}
	info, _ := ValidateNIK("3510021708450001", testRegions, testNow)
	if info.Province != "35" || info.Regency != "35.10" {
		t.Errorf("codes = %q %q", info.Province, info.Regency)
	}
}

func TestValidateNIKInvalid(t *testing.T) {
	cases := []struct {
		nik  string
		want error
	}{
		{"", ErrNIKFormat},
		{"351002170845000", ErrNIKFormat},   // 15 digits
		{"35100217084500011", ErrNIKFormat}, // 17 digits
		{"35100217084500O1", ErrNIKFormat},  // letter O
		{"３５１００２１７０８４５０００１", ErrNIKFormat},  // full-width digits
		{"3410021708450001", ErrNIKRegion},  // unknown province
		{"3511021708450001", ErrNIKRegion},  // unknown regency
		{"3510001708450001", ErrNIKRegion},  // district 00
		{"3510020008450001", ErrNIKBirthDate},
		{"3510023208450001", ErrNIKBirthDate}, // day 32
		{"3510024008450001", ErrNIKBirthDate}, // day 40 (neither 1-31 nor 41-71)
		{"3510027208450001", ErrNIKBirthDate}, // day 72
		{"3510021700450001", ErrNIKBirthDate}, // month 00
		{"3510021713450001", ErrNIKBirthDate}, // month 13
		{"3510023102450001", ErrNIKBirthDate}, // 31 Feb
		{"3510023104450001", ErrNIKBirthDate}, // 31 Apr
		{"3510022902230001", ErrNIKBirthDate}, // 29 Feb 2023/1923
		{"3510027102230001", ErrNIKBirthDate}, // same, female
		{"3510021708450000", ErrNIKSerial},
	}
	for _, c := range cases {
		if _, err := ValidateNIK(c.nik, testRegions, testNow); !errors.Is(err, c.want) {
			t.Errorf("ValidateNIK(%q) = %v, want %v", c.nik, err, c.want)
		}
	}
	if _, err := ValidateNIK("3510021708450001", nil, testNow); !errors.Is(err, ErrNIKRegion) {
		t.Errorf("nil regions: %v, want ErrNIKRegion", err)
	}
}

// Before the year 2000 every two-digit year resolves to 19YY, and a birth
// date after "now" must be rejected rather than accepted.
func TestValidateNIKFutureBirthDate(t *testing.T) {
	now := date(1995, time.March, 1)
	if _, err := ValidateNIK("3510020104950001", testRegions, now); !errors.Is(err, ErrNIKBirthDate) {
		t.Errorf("future birth date: %v, want ErrNIKBirthDate", err)
	}
}

func TestMyNumberCheckDigit(t *testing.T) {
	if got := MyNumberCheckDigit("12345678901"); got != 8 {
		t.Errorf("MyNumberCheckDigit(12345678901) = %d, want 8", got)
	}
	for _, bad := range []string{"", "1234567890", "123456789012", "1234567890a"} {
		if got := MyNumberCheckDigit(bad); got != -1 {
			t.Errorf("MyNumberCheckDigit(%q) = %d, want -1", bad, got)
		}
	}
}

func TestValidateMyNumber(t *testing.T) {
	valid := []string{"123456789018", "1234 5678 9018", "1234-5678-9018", "1234－5678－9018"}
	// Generated numbers exercise every remainder, including r ≤ 1 → 0.
	for i := 0; i < 200; i++ {
		first := fmt.Sprintf("%011d", i*48271%100000000000)
		valid = append(valid, first+fmt.Sprint(MyNumberCheckDigit(first)))
	}
	for _, s := range valid {
		if err := ValidateMyNumber(s); err != nil {
			t.Errorf("ValidateMyNumber(%q) = %v", s, err)
		}
	}
	cases := []struct {
		s    string
		want error
	}{
		{"", ErrMyNumberFormat},
		{"12345678901", ErrMyNumberFormat},
		{"1234567890180", ErrMyNumberFormat},
		{"12345678901x", ErrMyNumberFormat},
		{"１２３４５６７８９０１８", nil}, // full-width, as a Japanese keyboard types it: read, not refused
		{"123456789010", ErrMyNumberCheckDigit},
		{"123456789019", ErrMyNumberCheckDigit},
		{"213456789018", ErrMyNumberCheckDigit}, // transposed digits
	}
	for _, c := range cases {
		if err := ValidateMyNumber(c.s); !errors.Is(err, c.want) {
			t.Errorf("ValidateMyNumber(%q) = %v, want %v", c.s, err, c.want)
		}
	}
}

// Every single-digit change to a valid number must be caught.
func TestMyNumberDetectsSingleDigitErrors(t *testing.T) {
	const good = "123456789018"
	for i := 0; i < 12; i++ {
		for d := byte('0'); d <= '9'; d++ {
			if d == good[i] {
				continue
			}
			s := good[:i] + string(d) + good[i+1:]
			if ValidateMyNumber(s) == nil {
				t.Errorf("%s accepted", s)
			}
		}
	}
}

func TestMask(t *testing.T) {
	cases := []struct{ got, want string }{
		{MaskNIK("3510021708450001"), "3510••••••••0001"},
		{MaskNIK("3510 0217 0845 0001"), "3510••••••••0001"},
		{MaskNIK("12345"), "•••••"},
		{MaskNIK(""), ""},
		{MaskMyNumber("123456789018"), "••••••••9018"},
		{MaskMyNumber("1234-5678-9018"), "••••••••9018"},
		{MaskMyNumber("9018"), "••••"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func FuzzValidateNIK(f *testing.F) {
	for _, s := range []string{"3510021708450001", "3510 0257 0890 0001", "", "0000000000000000", "3510023102450001", "\xff\xfe"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, nik string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0)
		info, err := ValidateNIK(nik, testRegions, now)
		if err == nil && (info.BirthDate.After(now) || info.Province == "") {
			t.Fatalf("accepted %q with %+v", nik, info)
		}
		_ = MaskNIK(nik)
	})
}

func FuzzValidateMyNumber(f *testing.F) {
	for _, s := range []string{"123456789018", "1234-5678-9018", "", "－", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateMyNumber(s)
		d := normalizeMyNumber(s)
		if err == nil && (len(d) != 12 || MyNumberCheckDigit(d[:11]) != int(d[11]-'0')) {
			t.Fatalf("accepted %q", s)
		}
		_ = MaskMyNumber(s)
	})
}
