package identity

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/serambi/serambi/internal/validation"
)

// RegionLookup answers whether an Indonesian administrative region code
// exists, in Kemendagri dotted format: "35" for a province, "35.10" for a
// regency/city. It is an interface so the table can live in the database.
type RegionLookup interface {
	Exists(code string) bool
}

// NIKInfo is what a valid NIK reveals about its holder.
type NIKInfo struct {
	Province  string    // e.g. "35"
	Regency   string    // e.g. "35.10"
	BirthDate time.Time // midnight UTC of the encoded date
	Female    bool
}

// NIK validation errors. They are distinct so the UI can say precisely which
// part of the number is wrong; returned errors wrap them (use errors.Is).
var (
	ErrNIKFormat    = errors.New("identity: NIK must be 16 digits")
	ErrNIKRegion    = errors.New("identity: NIK region code is unknown")
	ErrNIKBirthDate = errors.New("identity: NIK birth date is invalid")
	ErrNIKSerial    = errors.New("identity: NIK serial number is invalid")
)

// My Number validation errors.
var (
	ErrMyNumberFormat     = errors.New("identity: My Number must be 12 digits")
	ErrMyNumberCheckDigit = errors.New("identity: My Number check digit does not match")
)

// ValidateNIK checks an Indonesian Nomor Induk Kependudukan. Spaces are
// ignored. Layout: PP KK CC DDMMYY SSSS — province, regency/city, district,
// birth date (day + 40 for women) and a serial. regions must know the
// province and regency codes; a nil lookup rejects every NIK rather than
// silently skipping the check. now decides the century of the birth year.
func ValidateNIK(nik string, regions RegionLookup, now time.Time) (NIKInfo, error) {
	var info NIKInfo
	s := stripRunes(nik, unicode.IsSpace)
	if len(s) != 16 || !allASCIIDigits(s) {
		return info, ErrNIKFormat
	}
	info.Province = s[0:2]
	info.Regency = s[0:2] + "." + s[2:4]
	if err := checkNIKRegion(info, s[4:6], regions); err != nil {
		return info, err
	}
	birth, female, err := nikBirthDate(s[6:12], now)
	if err != nil {
		return info, err
	}
	info.BirthDate, info.Female = birth, female
	if s[12:16] == "0000" {
		return info, fmt.Errorf("%w: serial 0000", ErrNIKSerial)
	}
	return info, nil
}

func checkNIKRegion(info NIKInfo, district string, regions RegionLookup) error {
	if regions == nil {
		return fmt.Errorf("%w: no region table", ErrNIKRegion)
	}
	if !regions.Exists(info.Province) {
		return fmt.Errorf("%w: province %s", ErrNIKRegion, info.Province)
	}
	if !regions.Exists(info.Regency) {
		return fmt.Errorf("%w: regency/city %s", ErrNIKRegion, info.Regency)
	}
	// District codes are not looked up (tables of kecamatan change often),
	// but 00 is never assigned.
	if district == "00" {
		return fmt.Errorf("%w: district 00", ErrNIKRegion)
	}
	return nil
}

// nikBirthDate decodes DDMMYY (DD+40 for women). The two-digit year is read
// as 20YY unless that date would lie after today, then as 19YY: NIKs are
// issued from birth, so nobody can carry a future birth date.
func nikBirthDate(ddmmyy string, now time.Time) (time.Time, bool, error) {
	day := atoi2(ddmmyy[0:2])
	month := atoi2(ddmmyy[2:4])
	yy := atoi2(ddmmyy[4:6])
	female := day > 40
	if female {
		day -= 40
	}
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return time.Time{}, false, fmt.Errorf("%w: %s", ErrNIKBirthDate, ddmmyy)
	}
	ny, nm, nd := now.Date()
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	year := 2000 + yy
	if dateAfter(year, month, day, today) {
		year = 1900 + yy
	}
	birth := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 31 Feb into March; a changed day means not real.
	if birth.Day() != day || int(birth.Month()) != month {
		return time.Time{}, false, fmt.Errorf("%w: no such date %s", ErrNIKBirthDate, ddmmyy)
	}
	if birth.After(today) {
		return time.Time{}, false, fmt.Errorf("%w: in the future", ErrNIKBirthDate)
	}
	return birth, female, nil
}

// dateAfter compares a (possibly unreal) calendar date with t field by field,
// so that 29 Feb of a non-leap year is not first normalised to 1 March.
func dateAfter(year, month, day int, t time.Time) bool {
	if year != t.Year() {
		return year > t.Year()
	}
	if month != int(t.Month()) {
		return month > int(t.Month())
	}
	return day > t.Day()
}

// ValidateMyNumber checks a Japanese individual number (個人番号): 12 digits
// after removing spaces and hyphens, the last being the check digit.
func ValidateMyNumber(s string) error {
	d := normalizeMyNumber(s)
	if len(d) != 12 || !allASCIIDigits(d) {
		return ErrMyNumberFormat
	}
	if MyNumberCheckDigit(d[:11]) != int(d[11]-'0') {
		return ErrMyNumberCheckDigit
	}
	return nil
}

// MyNumberCheckDigit computes the check digit for the first 11 digits of a
// My Number, per the ministerial ordinance: weights 2..7 then 2..6 applied
// from the rightmost digit leftwards, sum mod 11, and 11 − r (0 when r ≤ 1).
// It returns -1 if first11 is not exactly 11 ASCII digits.
func MyNumberCheckDigit(first11 string) int {
	if len(first11) != 11 || !allASCIIDigits(first11) {
		return -1
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		p := int(first11[11-n] - '0')
		q := n + 1
		if n >= 7 {
			q = n - 5
		}
		sum += p * q
	}
	if r := sum % 11; r > 1 {
		return 11 - r
	}
	return 0
}

const maskRune = "•"

// MaskNIK shows only the first 4 (province+regency) and last 4 digits,
// e.g. "3510••••••••0001", enough for a person to recognise their own number
// without exposing the birth date. Anything shorter than 16 characters is
// masked entirely so a malformed value never leaks most of itself.
func MaskNIK(nik string) string {
	r := []rune(stripRunes(nik, unicode.IsSpace))
	if len(r) < 16 {
		return strings.Repeat(maskRune, len(r))
	}
	return string(r[:4]) + strings.Repeat(maskRune, len(r)-8) + string(r[len(r)-4:])
}

// MaskMyNumber shows only the last 4 digits, e.g. "••••••••9018"; the law
// restricts who may see the full number. Shorter than 12 → fully masked.
func MaskMyNumber(s string) string {
	r := []rune(normalizeMyNumber(s))
	if len(r) < 12 {
		return strings.Repeat(maskRune, len(r))
	}
	return strings.Repeat(maskRune, len(r)-4) + string(r[len(r)-4:])
}

// normalizeMyNumber removes spaces and hyphens, including the full-width
// forms Japanese input methods produce.
func normalizeMyNumber(s string) string {
	return stripRunes(validation.Narrow(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '－' || r == '‐' || r == 'ー'
	})
}

func stripRunes(s string, drop func(rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !drop(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi2 converts two ASCII digits already known to be valid.
func atoi2(s string) int {
	return int(s[0]-'0')*10 + int(s[1]-'0')
}
