package form

import (
	"strconv"
	"time"

	"github.com/serambi/serambi/internal/identity"
)

// Shared test setup: a region table that knows one province and one
// regency (Jawa Timur, Kab. Banyuwangi), a fixed "now" that is 10 May 2026
// in Japan, and two realistic forms.

type fakeRegions map[string]bool

func (r fakeRegions) Exists(code string) bool { return r[code] }

var (
	regions = fakeRegions{"35": true, "35.10": true}
	jst     = time.FixedZone("JST", 9*60*60)
	now     = time.Date(2026, 5, 10, 1, 0, 0, 0, time.UTC) // 10:00 JST, 08:00 WIB
)

func l(id, ja, en string) Labels { return Labels{"id": id, "ja": ja, "en": en} }

func num(n float64) *float64 { return &n }

// validMyNumber builds a My Number with a correct check digit.
func validMyNumber(first11 string) string {
	return first11 + strconv.Itoa(identity.MyNumberCheckDigit(first11))
}

// wrongMyNumber is validMyNumber with the check digit off by one.
func wrongMyNumber(first11 string) string {
	return first11 + strconv.Itoa((identity.MyNumberCheckDigit(first11)+1)%10)
}

// birthCertificate is a request for an Akta Kelahiran at the Dinas
// Kependudukan dan Pencatatan Sipil.
func birthCertificate() Form {
	return Form{
		Sections: []Section{
			{Labels: l("Data anak", "子どもの情報", "The child")},
			{Labels: l("Data orang tua", "父母の情報", "The parents")},
			{Labels: l("Tempat kelahiran", "出生の場所", "Where the child was born")},
			{Labels: l("Dokumen", "書類", "Documents")},
		},
		Fields: []Field{
			{Name: "child_name", Type: TypeText, Section: 0, Required: true, MaxLen: 100,
				Labels: l("Nama lengkap anak", "子どもの氏名", "Child's full name")},
			{Name: "birth_date", Type: TypeDate, Section: 0, Required: true, MaxDate: "today",
				Labels: l("Tanggal lahir", "生年月日", "Date of birth"),
				Help:   l("Contoh: 27 11 2025", "例：2025 11 27", "For example, 27 11 2025")},
			{Name: "birth_place", Type: TypeText, Section: 0, Required: true,
				Labels: l("Tempat lahir", "出生地", "Place of birth")},
			{Name: "sex", Type: TypeChoice, Section: 0, Required: true,
				Labels: l("Jenis kelamin", "性別", "Sex"),
				Options: []Option{
					{Value: "laki_laki", Labels: l("Laki-laki", "男", "Male")},
					{Value: "perempuan", Labels: l("Perempuan", "女", "Female")},
				}},
			{Name: "father_nik", Type: TypeNIK, Section: 1,
				Labels: l("NIK ayah", "父の NIK", "Father's NIK"),
				Help:   l("Kosongkan jika tidak diketahui", "不明な場合は空欄", "Leave empty if not known")},
			{Name: "mother_nik", Type: TypeNIK, Section: 1, Required: true,
				Labels: l("NIK ibu", "母の NIK", "Mother's NIK")},
			{Name: "born_in_hospital", Type: TypeYesNo, Section: 2, Required: true,
				Labels: l("Apakah anak lahir di rumah sakit?", "病院で生まれましたか？", "Was the child born in a hospital?")},
			{Name: "hospital_name", Type: TypeText, Section: 2, Required: true,
				ShowIf: &Condition{Field: "born_in_hospital", Equals: "yes"},
				Labels: l("Nama rumah sakit", "病院名", "Name of the hospital")},
			{Name: "birth_letter", Type: TypeFile, Section: 3, Required: true,
				Accept: []string{"application/pdf", "image/jpeg", "image/png"}, MaxBytes: 5 << 20,
				Labels: l("Surat keterangan lahir", "出生証明書", "Birth notice from the hospital or midwife")},
		},
	}
}

// birthAnswers is a complete, valid Akta Kelahiran application.
func birthAnswers() Answers {
	return Answers{
		"child_name":       "Siti Aminah",
		"birth_date":       "2026-04-02",
		"birth_place":      "Banyuwangi",
		"sex":              "perempuan",
		"father_nik":       "3510010508900001",
		"mother_nik":       "3510014508920002",
		"born_in_hospital": true,
		"hospital_name":    "RSUD Blambangan",
		"birth_letter":     "0196b1f2-7c3e-7a10-9f00-1234567890ab",
	}
}

// residentCopy is a request for 住民票の写し (a copy of the residence record)
// at a Japanese city office.
func residentCopy() Form {
	return Form{
		Sections: []Section{
			{Labels: l("Permintaan", "請求の内容", "Your request")},
			{Labels: l("Keperluan", "使いみち", "What it is for")},
			{Labels: l("Kontak", "連絡先", "How to contact you")},
		},
		Fields: []Field{
			{Name: "copies", Type: TypeNumber, Section: 0, Required: true, Integer: true, Min: num(1), Max: num(10),
				Labels: l("Jumlah lembar", "必要な通数", "Number of copies")},
			{Name: "include_household", Type: TypeYesNo, Section: 0, Required: true,
				Labels: l("Sertakan anggota rumah tangga?", "世帯全員を記載しますか？", "Include everyone in the household?")},
			{Name: "include_items", Type: TypeMulti, Section: 0,
				Labels: l("Data yang dicantumkan", "記載する項目", "Also show"),
				Options: []Option{
					{Value: "domicile", Labels: l("Domisili terdaftar", "本籍・筆頭者", "Registered domicile")},
					{Value: "relationship", Labels: l("Hubungan keluarga", "続柄", "Relationship to head of household")},
					{Value: "mynumber", Labels: l("Nomor Individu", "個人番号", "My Number")},
				}},
			{Name: "purpose", Type: TypeChoice, Section: 1, Required: true,
				Labels: l("Keperluan", "使用目的", "Purpose"),
				Options: []Option{
					{Value: "employment", Labels: l("Pekerjaan", "就職・勤務先への提出", "Employment")},
					{Value: "pension", Labels: l("Pensiun", "年金の手続き", "Pension")},
					{Value: "other", Labels: l("Lainnya", "その他", "Other")},
				}},
			{Name: "purpose_other", Type: TypeText, Section: 1, Required: true, MaxLen: 100,
				ShowIf: &Condition{Field: "purpose", Equals: "other"},
				Labels: l("Sebutkan keperluannya", "具体的な使用目的", "What will you use it for?")},
			{Name: "postal_code", Type: TypeText, Section: 2, Pattern: `[0-9]{3}-?[0-9]{4}`,
				Labels: l("Kode pos", "郵便番号", "Postcode")},
			{Name: "address", Type: TypeAddress, Section: 2, Required: true,
				Labels: l("Alamat", "住所", "Address")},
			{Name: "phone", Type: TypePhone, Section: 2, Required: true,
				Labels: l("Nomor telepon", "電話番号", "Phone number")},
			{Name: "email", Type: TypeEmail, Section: 2,
				Labels: l("Email", "メールアドレス", "Email")},
			{Name: "applicant_mynumber", Type: TypeMyNumber, Section: 2, Required: true,
				ShowIf: &Condition{Field: "include_items", Equals: "mynumber"},
				Labels: l("Nomor Individu pemohon", "請求者の個人番号", "Your My Number")},
		},
	}
}

func residentAnswers() Answers {
	return Answers{
		"copies":            2.0,
		"include_household": false,
		"purpose":           "pension",
		"postal_code":       "683-0823",
		"address":           "鳥取県米子市加茂町1-1",
		"phone":             "090-1234-5678",
	}
}
