// Package richtext turns the Markdown staff write (lesson texts, and later
// good practices) into HTML safe to put in a page: goldmark renders it
// without raw HTML, then bluemonday keeps only the elements and attributes
// of ordinary text, so neither a lesson's author nor an imported text can
// run script or restyle the page.
package richtext

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
	// policy allows what lessons use: paragraphs, headings, lists,
	// emphasis, tables, links and pictures (https or the site's own).
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("https", "mailto", "tel")
		p.RequireParseableURLs(true)
		p.AllowRelativeURLs(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		p.RequireNoReferrerOnFullyQualifiedLinks(true)
		return p
	}()
)

// HTML renders Markdown source as sanitised HTML.
func HTML(source string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(source), &b); err != nil {
		// goldmark fails only on a failing writer; a buffer does not.
		return template.HTML(policy.Sanitize(template.HTMLEscapeString(source)))
	}
	return template.HTML(policy.SanitizeBytes(b.Bytes())) //nolint:gosec // sanitised just above
}
