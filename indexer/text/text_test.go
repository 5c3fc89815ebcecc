package text_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer/text"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		wantTitle string
		wantDate  string
		wantBody  string
		wantEnc   string
	}{
		{
			name:      "plain UTF-8 press release",
			file:      "press_release.txt",
			wantTitle: "Security Council Committee concludes visit to Tajikistan",
			wantBody: "Security Council Committee concludes visit to Tajikistan\n\n" +
				"DUSHANBE, 14 October 2022 -- A delegation of the Counter-Terrorism Committee\n" +
				"Executive Directorate (CTED) completed a four-day visit to Tajikistan, its first\n" +
				"since 2014.\n\n" +
				"The delegation met the Prosecutor General's Office, the border service and\n" +
				"representatives of women's organisations working on rehabilitation.\n",
			wantEnc: "utf-8",
		},
		{
			// The date in the prose ("14 October 2022" above) is not metadata;
			// a header line is.
			name:      "memo headers: subject is the title, date header is the date",
			file:      "date_header.txt",
			wantTitle: "Outcome of the regional meeting on terrorist financing",
			wantDate:  "2019-12-05",
			wantBody: "\n\n   Subject: Outcome of the regional meeting on terrorist financing   \n" +
				"Date: 5th December 2019\nFrom: CTED press office\n\n" +
				"The regional meeting agreed on a work plan for 2020.\n",
			wantEnc: "utf-8",
		},
		{
			name:      "UTF-8 BOM stripped, CRLF and lone CR become LF",
			file:      "crlf_bom.txt",
			wantTitle: "Statement on counter-terrorism cooperation",
			wantBody:  "Statement on counter-terrorism cooperation\n\nFirst paragraph.\nOld Mac line end.\nEnd.\n",
			wantEnc:   "utf-8",
		},
		{
			name:      "UTF-16LE with BOM",
			file:      "utf16le_bom.txt",
			wantTitle: "Заявление Председателя",
			wantBody:  "Заявление Председателя\nКомитет провёл заседание.\n",
			wantEnc:   "utf-16le",
		},
		{
			name:      "UTF-16BE with BOM",
			file:      "utf16be_bom.txt",
			wantTitle: "Заявление Председателя",
			wantBody:  "Заявление Председателя\nКомитет провёл заседание.\n",
			wantEnc:   "utf-16be",
		},
		{
			// Latin-script UTF-16 without a BOM: NUL in every high byte.
			name:      "UTF-16LE without BOM, Latin script",
			file:      "utf16le_nobom.txt",
			wantTitle: "Briefing on Côte d'Ivoire",
			wantBody:  "Briefing on Côte d'Ivoire\nCosts of 12,000 euros were shared.\n",
			wantEnc:   "utf-16le",
		},
		{
			// Cyrillic UTF-16 without a BOM: 0x04 in nearly every high byte.
			name:      "UTF-16LE without BOM, Cyrillic script",
			file:      "utf16_nobom_cyrillic.txt",
			wantTitle: "Заявление Председателя",
			wantBody:  "Заявление Председателя\nКомитет провёл заседание.\n",
			wantEnc:   "utf-16le",
		},
		{
			name:      "invalid UTF-8 replaced, NUL removed",
			file:      "invalid_utf8.txt",
			wantTitle: "Résumé of the meeting",
			wantBody:  "Résumé of the meeting\nA stray byte \uFFFD and a NUL byte.\n",
			wantEnc:   "utf-8",
		},
		{
			// No valid UTF-8 sequence at all: the bytes are Windows-1252, and
			// decoding them keeps the letters instead of a row of U+FFFD.
			name:      "Windows-1252",
			file:      "windows1252.txt",
			wantTitle: "Rapporteur’s note — Côte d’Ivoire",
			wantBody:  "Rapporteur’s note — Côte d’Ivoire\nCosts: €12,000.\n",
			wantEnc:   "windows-1252",
		},
		{
			name:    "empty file",
			file:    "empty.txt",
			wantEnc: "utf-8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := text.Parser{}.Parse(context.Background(), readFile(t, tt.file))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.file, err)
			}
			if doc.Title != tt.wantTitle {
				t.Errorf("Parse(%q) title = %q, want %q", tt.file, doc.Title, tt.wantTitle)
			}
			if doc.Date != tt.wantDate {
				t.Errorf("Parse(%q) date = %q, want %q", tt.file, doc.Date, tt.wantDate)
			}
			if diff := cmp.Diff(tt.wantBody, doc.Body); diff != "" {
				t.Errorf("Parse(%q) body mismatch (-want +got):\n%s", tt.file, diff)
			}
			if doc.Format != "text" {
				t.Errorf("Parse(%q) format = %q, want %q", tt.file, doc.Format, "text")
			}
			if got := doc.Meta["encoding"]; got != tt.wantEnc {
				t.Errorf("Parse(%q) encoding = %q, want %q", tt.file, got, tt.wantEnc)
			}
		})
	}
}

func TestParseBinary(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"PDF named .txt", readFile(t, "binary.txt")},
		{"random bytes", readFile(t, "random_bytes.txt")},
		{"PNG magic", []byte("\x89PNG\r\n\x1a\nrest of it")},
		{"ELF magic", []byte("\x7fELF\x02\x01\x01")},
		{"mostly NULs", append([]byte("header"), make([]byte, 200)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := text.Parser{}.Parse(context.Background(), tt.data)
			if !errors.Is(err, text.ErrBinary) {
				t.Errorf("Parse(%q) = %+v, %v; want error %v", tt.data[:min(len(tt.data), 16)], doc, err, text.ErrBinary)
			}
		})
	}
}

// A few stray NULs or control bytes do not make a file binary.
func TestParseNotBinary(t *testing.T) {
	tests := []struct {
		name, data, wantBody string
	}{
		{"one NUL", "a\x00b", "ab"},
		{"form feed page breaks", "Page one\fPage two", "Page one\fPage two"},
		{"terminal colours", "\x1b[1mBold\x1b[0m text", "\x1b[1mBold\x1b[0m text"},
		{"patterned ASCII is not UTF-16", "1.2.3.4.5.6.7.8.9.", "1.2.3.4.5.6.7.8.9."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := text.Parser{}.Parse(context.Background(), []byte(tt.data))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.data, err)
			}
			if doc.Body != tt.wantBody {
				t.Errorf("Parse(%q) body = %q, want %q", tt.data, doc.Body, tt.wantBody)
			}
		})
	}
}

func TestTitleTruncated(t *testing.T) {
	long := strings.Repeat("word ", 100) + "\nsecond line"
	doc, err := text.Parser{}.Parse(context.Background(), []byte(long))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Title) > text.MaxTitle || !strings.HasPrefix(doc.Title, "word word") || strings.HasSuffix(doc.Title, " ") {
		t.Errorf("Parse(%d words) title = %q (%d bytes), want at most %d bytes cut between words", 100, doc.Title, len(doc.Title), text.MaxTitle)
	}
	// No space to cut at: cut on a rune boundary.
	cyr := strings.Repeat("ж", 400)
	if got := text.Truncate(cyr, text.MaxTitle); !utf8.ValidString(got) || len(got) > text.MaxTitle {
		t.Errorf("Truncate(400×ж, %d) = %d bytes, valid UTF-8 %v", text.MaxTitle, len(got), utf8.ValidString(got))
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  First line  \nSecond", "First line"},
		{"\n\n\t\nAfter blanks", "After blanks"},
		{"Date: 2019-12-05\nFrom: CTED\n\nThe meeting agreed.", "The meeting agreed."},
		{"TITLE: Annual report\nDate: 2019", "Annual report"},
		{"Date: 2019-12-05\nFrom: CTED", "Date: 2019-12-05"}, // nothing but headers
		{"Statement: the Council condemns the attack", "Statement: the Council condemns the attack"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := text.Title(tt.in); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2019-12-05", "2019-12-05"},
		{"2019-12-05T23:30:00-05:00", "2019-12-05"}, // the date as written, not moved to UTC
		{"2019-12-05 10:00", "2019-12-05"},
		{"2019/12/05", "2019-12-05"},
		{"20191205", "2019-12-05"},
		{"2019-12", "2019-12"},
		{"2019", "2019"},
		{"5 December 2019", "2019-12-05"},
		{"5th December 2019", "2019-12-05"},
		{"December 5, 2019", "2019-12-05"},
		{"Dec 5, 2019", "2019-12-05"},
		{"Thu, 05 Dec 2019 10:00:00 GMT", "2019-12-05"},
		{"Thursday, 5 December 2019", "2019-12-05"},
		{"December 2019", "2019-12"},
		{"2019-02-30", ""},
		{"2019-13-01", ""},
		{"12/05/2019", ""}, // ambiguous between US and European order
		{"next Tuesday", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := text.ParseDate(tt.in); got != tt.want {
				t.Errorf("ParseDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (text.Parser{}).Parse(ctx, []byte("text")); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(canceled ctx) error = %v, want %v", err, context.Canceled)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"press_release.txt", "crlf_bom.txt", "utf16le_bom.txt", "utf16le_nobom.txt", "invalid_utf8.txt", "windows1252.txt", "binary.txt"} {
		f.Add(readFile(f, name))
	}
	f.Add([]byte("\xfe\xff\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := text.Parser{}.Parse(context.Background(), data)
		if err != nil {
			if !errors.Is(err, text.ErrBinary) {
				t.Fatalf("Parse(%q) error = %v, want nil or %v", data, err, text.ErrBinary)
			}
			return
		}
		if !utf8.ValidString(doc.Body) || !utf8.ValidString(doc.Title) {
			t.Errorf("Parse(%q) gave invalid UTF-8: title %q body %q", data, doc.Title, doc.Body)
		}
		if strings.ContainsAny(doc.Body, "\x00\r") {
			t.Errorf("Parse(%q) body = %q, still has NUL or CR", data, doc.Body)
		}
		if len(doc.Title) > text.MaxTitle {
			t.Errorf("Parse(%q) title is %d bytes, want at most %d", data, len(doc.Title), text.MaxTitle)
		}
		if strings.TrimSpace(doc.Body) != "" && doc.Title == "" {
			t.Errorf("Parse(%q) title empty for a body with text %q", data, doc.Body)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := readFile(b, "press_release.txt")
	data = []byte(strings.Repeat(string(data)+"\n", 200)) // ~100 KB, a long report
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (text.Parser{}).Parse(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
