package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
)

// WriteCSV answers rows as a spreadsheet file, name.csv: UTF-8 with a
// byte-order mark (so spreadsheets read Japanese and Indonesian), every
// cell through SpreadsheetSafe. name must be plain ASCII (a slug, a
// period code). It returns what kept the file from being written whole,
// for the caller to log: the status has been sent by then.
func WriteCSV(w http.ResponseWriter, name string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return fmt.Errorf("write %s.csv: %w", name, err)
	}
	cw := csv.NewWriter(w)
	safe := make([]string, 0, 16)
	for _, row := range rows {
		safe = safe[:0]
		for _, cell := range row {
			safe = append(safe, SpreadsheetSafe(cell))
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("write %s.csv: %w", name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write %s.csv: %w", name, err)
	}
	return nil
}

// SpreadsheetSafe keeps a cell from running as a formula when the file
// is opened in a spreadsheet: text that starts as a formula does (=, +,
// -, @, a tab or a carriage return) gets an apostrophe before it, which
// spreadsheets show as text. Files carry what residents and staff typed
// (survey comments, names of services and actions), and an officer
// opening one must not run it (CSV injection). A number ("-3", "+1.5")
// stays a number.
func SpreadsheetSafe(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(cell, 64); err == nil {
			return cell
		}
		return "'" + cell
	}
	return cell
}
