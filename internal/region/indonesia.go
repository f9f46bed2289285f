package region

import (
	"fmt"
	"strconv"
	"strings"
)

var idColumns = []string{"code", "level", "name", "parent_code", "population"}

// Indonesia's three time zones.
const (
	wib  = "Asia/Jakarta"  // Waktu Indonesia Barat, UTC+7
	wita = "Asia/Makassar" // Waktu Indonesia Tengah, UTC+8
	wit  = "Asia/Jayapura" // Waktu Indonesia Timur, UTC+9
)

// indonesianRegion converts a regions-id.csv row.
func indonesianRegion(r row) (Region, error) {
	reg := Region{
		Code:    r.get("code"),
		Country: Indonesia,
		Level:   Level(r.get("level")),
		// One source name carries a trailing space ("Kota Administrasi
		// Jakarta Utara "); row.get trims it so lookups and display match.
		Name:   r.get("name"),
		Parent: r.get("parent_code"),
	}
	reg.NameLatin = reg.Name // Indonesian is written in Latin script
	switch reg.Level {
	case Province, Regency, City:
	default:
		return Region{}, fmt.Errorf("%s: unknown level %q", reg.Code, reg.Level)
	}
	var err error
	if reg.Population, err = parsePopulation(r.get("population")); err != nil {
		return Region{}, fmt.Errorf("%s: %w", reg.Code, err)
	}
	if reg.TimeZone = indonesianTimeZone(reg.Code); reg.TimeZone == "" {
		return Region{}, fmt.Errorf("%s: no time zone for province %.2s", reg.Code, reg.Code)
	}
	return reg, nil
}

// indonesianTimeZone picks the zone from the province part of a Kemendagri
// code. Every province lies in a single zone, so the first two digits
// suffice. It returns "" for a province it does not know, which Load treats
// as an error so a new province cannot slip in without a zone.
func indonesianTimeZone(code string) string {
	prov, _, _ := strings.Cut(code, ".")
	p, err := strconv.Atoi(prov)
	if err != nil {
		return ""
	}
	switch {
	case p >= 11 && p <= 21, // Sumatra and the Riau and Bangka-Belitung islands
		p >= 31 && p <= 36, // Java
		p == 61, p == 62:   // West and Central Kalimantan
		return wib
	case p >= 51 && p <= 53, // Bali, West and East Nusa Tenggara
		p >= 63 && p <= 65, // South, East and North Kalimantan
		p >= 71 && p <= 76: // Sulawesi
		return wita
	case p == 81, p == 82, // Maluku and North Maluku
		p >= 91 && p <= 96: // the Papuan provinces
		return wit
	}
	return ""
}

// indonesianAdminPrefixes are the words before the place name proper, longest
// first. Search treats the rest ("Banyuwangi") as the name for ranking.
var indonesianAdminPrefixes = []string{
	"Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ",
}

// indonesianStem strips the administrative prefix from a regency or city name.
func indonesianStem(name string) string {
	for _, p := range indonesianAdminPrefixes {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return rest
		}
	}
	return name
}
