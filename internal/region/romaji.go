package region

import "strings"

// hiraganaRomaji spells each hiragana in modified Hepburn. Katakana is folded
// to hiragana first, so one table serves both scripts. Small kana carry the
// spelling they have when they stand alone; romanize combines them with the
// preceding kana.
var hiraganaRomaji = map[rune]string{
	'あ': "a", 'い': "i", 'う': "u", 'え': "e", 'お': "o",
	'か': "ka", 'き': "ki", 'く': "ku", 'け': "ke", 'こ': "ko",
	'が': "ga", 'ぎ': "gi", 'ぐ': "gu", 'げ': "ge", 'ご': "go",
	'さ': "sa", 'し': "shi", 'す': "su", 'せ': "se", 'そ': "so",
	'ざ': "za", 'じ': "ji", 'ず': "zu", 'ぜ': "ze", 'ぞ': "zo",
	'た': "ta", 'ち': "chi", 'つ': "tsu", 'て': "te", 'と': "to",
	'だ': "da", 'ぢ': "ji", 'づ': "zu", 'で': "de", 'ど': "do",
	'な': "na", 'に': "ni", 'ぬ': "nu", 'ね': "ne", 'の': "no",
	'は': "ha", 'ひ': "hi", 'ふ': "fu", 'へ': "he", 'ほ': "ho",
	'ば': "ba", 'び': "bi", 'ぶ': "bu", 'べ': "be", 'ぼ': "bo",
	'ぱ': "pa", 'ぴ': "pi", 'ぷ': "pu", 'ぺ': "pe", 'ぽ': "po",
	'ま': "ma", 'み': "mi", 'む': "mu", 'め': "me", 'も': "mo",
	'や': "ya", 'ゆ': "yu", 'よ': "yo",
	'ら': "ra", 'り': "ri", 'る': "ru", 'れ': "re", 'ろ': "ro",
	'わ': "wa", 'ゐ': "i", 'ゑ': "e", 'を': "o", 'ゔ': "vu",
	'ぁ': "a", 'ぃ': "i", 'ぅ': "u", 'ぇ': "e", 'ぉ': "o",
	'ゃ': "ya", 'ゅ': "yu", 'ょ': "yo", 'ゎ': "wa", 'ゕ': "ka", 'ゖ': "ke",
}

// toHiragana maps katakana to hiragana so katakana input and katakana names
// compare equal to the hiragana readings in the data. The long-vowel mark ー
// has no hiragana twin and is kept.
func toHiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - ('ァ' - 'ぁ')
		}
		return r
	}, s)
}

// romanize spells kana (hiragana or katakana) in lower-case modified Hepburn.
// Long vowels stay as written (おお → oo, ー repeats the vowel); runes that
// are not kana pass through unchanged.
func romanize(kana string) string {
	rs := []rune(toHiragana(kana))
	var b strings.Builder
	for i := 0; i < len(rs); {
		switch rs[i] {
		case 'っ':
			next, _ := syllable(rs, i+1)
			b.WriteString(geminate(next))
			i++
		case 'ん':
			b.WriteString(moraicN(rs, i))
			i++
		case 'ー':
			b.WriteString(lastVowel(b.String()))
			i++
		default:
			syl, n := syllable(rs, i)
			b.WriteString(syl)
			i += n
		}
	}
	return b.String()
}

// syllable spells the kana at rs[i], merging a following small kana into a
// digraph (きょ → kyo, ファ → fa). It returns the spelling and the number of
// runes consumed; a rune that is not kana is returned as is.
func syllable(rs []rune, i int) (string, int) {
	if i >= len(rs) {
		return "", 0
	}
	base, ok := hiraganaRomaji[rs[i]]
	if !ok {
		return string(rs[i]), 1
	}
	if i+1 < len(rs) {
		if joined, ok := digraph(base, rs[i+1]); ok {
			return joined, 2
		}
	}
	return base, 1
}

// digraph joins base with a small kana that modifies it, if it does.
func digraph(base string, small rune) (string, bool) {
	switch small {
	case 'ゃ', 'ゅ', 'ょ':
		// Only i-row kana take small ya/yu/yo; Hepburn drops the y after
		// sh, ch and j (しゃ → sha, not shya).
		if len(base) < 2 || !strings.HasSuffix(base, "i") {
			return "", false
		}
		stem := strings.TrimSuffix(base, "i")
		if stem != "sh" && stem != "ch" && stem != "j" {
			stem += "y"
		}
		return stem + hiraganaRomaji[small][1:], true
	case 'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ':
		// Katakana loan-word digraphs replace the vowel: ファ → fa,
		// ティ → ti, シェ → she; ウィ is wi.
		if base == "u" {
			return "w" + hiraganaRomaji[small], true
		}
		if len(base) < 2 {
			return "", false
		}
		return base[:len(base)-1] + hiraganaRomaji[small], true
	}
	return "", false
}

// geminate spells small っ: it doubles the consonant that follows, except
// before ch where Hepburn writes t (まっちゃ → matcha). Before a vowel or at
// the end there is nothing to double.
func geminate(next string) string {
	if strings.HasPrefix(next, "ch") {
		return "t"
	}
	if next == "" || isVowel(next[0]) {
		return ""
	}
	return next[:1]
}

// moraicN spells ん at rs[i]: n, with an apostrophe before a vowel or y so
// that しんおおさか (shin'oosaka) is not read as shi-no-osaka.
func moraicN(rs []rune, i int) string {
	next, _ := syllable(rs, i+1)
	if next != "" && (isVowel(next[0]) || next[0] == 'y') {
		return "n'"
	}
	return "n"
}

// lastVowel returns the vowel that ー lengthens: the last letter written, if
// it is a vowel.
func lastVowel(written string) string {
	if n := len(written); n > 0 && isVowel(written[n-1]) {
		return written[n-1:]
	}
	return ""
}

func isVowel(c byte) bool {
	return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o'
}

// foldLongVowels collapses the romaji long-vowel spellings oo and ou to o and
// uu to u ("chuuou" → "chuo", "oosaka" → "osaka"). It is how place names are
// usually written in English, and search applies it to both the query and
// the names so that every spelling matches every other.
func foldLongVowels(s string) string {
	if !strings.Contains(s, "oo") && !strings.Contains(s, "ou") && !strings.Contains(s, "uu") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i])
		if i+1 < len(s) && ((s[i] == 'o' && (s[i+1] == 'o' || s[i+1] == 'u')) || (s[i] == 'u' && s[i+1] == 'u')) {
			i++
		}
	}
	return string(b)
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
