package region

import "strings"

// PlaceNames are the ways a person may write reg's name and its parent's
// (province or prefecture) when searching for something there: the
// official name, its Latin and kana forms, the romaji of the kana, and
// the bare names without "Kabupaten" or 市 ("Banyuwangi", "福岡",
// "ふくおか", "fukuoka").
func (d *Directory) PlaceNames(code string) []string {
	reg, ok := d.Get(code)
	if !ok {
		return nil
	}
	out := placeForms(reg)
	if parent, ok := d.Get(reg.Parent); ok {
		out = append(out, placeForms(parent)...)
	}
	return out
}

// placeForms are reg's own names in every form a person may type: as
// written, in Latin letters and kana, the kana's romaji, and the bare
// name without "Kabupaten" or 市 (and, for a designated city's ward,
// the ward's own name alone).
func placeForms(reg Region) []string {
	forms := []string{reg.Name, reg.NameLatin, reg.NameKana, romanize(reg.NameKana)}
	switch reg.Country {
	case Indonesia:
		forms = append(forms, indonesianStem(reg.Name))
	case Japan:
		if parts, ok := japaneseParts(reg); ok {
			own := parts[len(parts)-1]
			forms = append(forms, own.name, own.stem, own.stemKana, romanize(own.stemKana))
		}
	}
	out := forms[:0]
	for _, f := range forms {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Kind is what sort of local government reg is, finer than its Level
// for Japan's municipalities: "province", "regency", "city" (kota or
// 市), "prefecture", "town" (町), "village" (村) or "ward" (a special
// ward of Tokyo, or a designated city's ward).
func (reg Region) Kind() string {
	if reg.Level != Municipality {
		return string(reg.Level)
	}
	switch {
	case strings.HasSuffix(reg.Name, "市"):
		return string(City)
	case strings.HasSuffix(reg.Name, "町"):
		return "town"
	case strings.HasSuffix(reg.Name, "村"):
		return "village"
	case strings.HasSuffix(reg.Name, "区"):
		return string(Ward)
	}
	return string(reg.Level)
}
