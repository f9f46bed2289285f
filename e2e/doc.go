// Package e2e holds Serambi's browser tests. They start the app in-process
// on a fresh SQLite database with the demo data, drive Debian's Chromium
// through chromedp at a desktop and a phone-sized viewport, and run axe-core
// and a touch-target check on every page they visit. The app sends its
// emails, through its job queue, to an SMTP server the tests run on
// 127.0.0.1 (mailbox_test.go), so a journey can check what a resident got.
//
// Run them with:
//
//	npm ci --prefix e2e        # installs axe-core into e2e/node_modules
//	go test ./e2e/ -v
//
// SERAMBI_CHROMIUM names the browser (default /usr/bin/chromium). Without a
// browser or axe-core the tests skip, unless SERAMBI_TEST_REQUIRE_ALL=1, as
// in CI, which makes a missing piece a failure. SERAMBI_E2E_SCREENSHOTS names
// a directory for screenshots of failed tests (default: a new directory under
// the system's temporary directory, printed in the test log).
package e2e
