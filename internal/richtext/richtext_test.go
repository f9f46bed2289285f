package richtext

import (
	"strings"
	"testing"
)

func TestLessonMarkdown(t *testing.T) {
	got := string(HTML("# Title\n\n1. Press **Power**.\n2. Wait.\n\n[Map](https://maps.example/x)"))
	for _, want := range []string{"<h1>Title</h1>", "<ol>", "<li>Press <strong>Power</strong>.</li>", `href="https://maps.example/x"`, `rel="nofollow noreferrer"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in %s", want, got)
		}
	}
}

// Nothing an author or an imported text writes can run script, load from
// a javascript: or data: link, or restyle the page.
func TestRichTextCannotRunScript(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"[click](javascript:alert(1))",
		"![x](javascript:alert(1))",
		`<img src=x onerror="alert(1)">`,
		`<a href="https://x.example" onclick="alert(1)">x</a>`,
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		`<p style="position:fixed">cover</p>`,
		`<iframe src="https://evil.example"></iframe>`,
	} {
		got := strings.ToLower(string(HTML(src)))
		for _, bad := range []string{"<script", "javascript:", "onerror", "onclick", "data:text", "style=", "<iframe"} {
			if strings.Contains(got, bad) {
				t.Errorf("%q renders %q (contains %q)", src, got, bad)
			}
		}
	}
}
