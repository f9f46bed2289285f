// Package ical writes iCalendar (RFC 5545) files: an appointment to add to
// a phone's calendar, and an officer's private feed of their appointments.
package ical

import (
	"strconv"
	"strings"
	"time"
)

// Event is one calendar entry.
type Event struct {
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	Location    string // where: a hall's name and address
	URL         string
	Cancelled   bool
	Sequence    int // the event's version: a calendar replaces a lower one
}

// Calendar renders events as an iCalendar document with CRLF line ends
// and lines folded at 75 octets, as the RFC requires.
func Calendar(name string, events []Event, now time.Time) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Serambi//Remote counter//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escape(name))
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + e.UID)
		line("DTSTAMP:" + stamp(now))
		if e.Sequence > 0 {
			line("SEQUENCE:" + strconv.Itoa(e.Sequence))
		}
		line("DTSTART:" + stamp(e.Start))
		line("DTEND:" + stamp(e.End))
		line("SUMMARY:" + escape(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + escape(e.Description))
		}
		if e.Location != "" {
			line("LOCATION:" + escape(e.Location))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		if e.Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escape protects the characters that are syntax in TEXT values.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// fold splits a content line into 75-octet pieces without cutting a
// UTF-8 character (Japanese summaries are long in octets).
func fold(s string) string {
	var b strings.Builder
	width := 0
	for _, r := range s {
		n := len(string(r))
		if width+n > 75 {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	b.WriteString("\r\n")
	return b.String()
}
