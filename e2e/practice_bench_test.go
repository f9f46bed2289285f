package e2e

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// BenchmarkPracticeSlow3G loads every practice page of a demo learner on
// Chromium's emulated slow 3G (400 kbps each way, 400 ms round trip) with
// the CPU slowed 4×, an empty cache and a phone's screen, and reports how
// long after the navigation started each page answers touches (the mark
// practice.js sets once its exercise is wired up). The target is
// under 2.5 s. Run: go test ./e2e/ -run X -bench PracticeSlow3G -benchtime 3x
func BenchmarkPracticeSlow3G(b *testing.B) {
	exe := os.Getenv("SERAMBI_CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		b.Skipf("browser benchmark: %s not found; install chromium", exe)
	}
	shared.once.Do(startServer)
	if shared.err != nil {
		b.Fatal(shared.err)
	}
	session, pages := practicePages(b)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true), chromedp.UserDataDir(b.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	u, _ := url.Parse(shared.url)
	slow := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		steps := []func() error{
			func() error { _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); return err },
			func() error {
				_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
				return err
			},
			func() error {
				_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
					MatchedNetworkConditions: []*network.Conditions{{Latency: 400, DownloadThroughput: 400_000 / 8, UploadThroughput: 400_000 / 8}}})
				return err
			},
			func() error {
				_, err := cdp.Call(ctx, tg, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4})
				return err
			},
			func() error {
				_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: session.Name, Value: session.Value,
					Domain: u.Hostname(), Path: "/"})
				return err
			},
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		return nil
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)), slow); err != nil {
		b.Fatal(err)
	}
	var ready []float64
	b.ResetTimer()
	for range b.N {
		for _, page := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(shared.url+page)); err != nil {
				b.Fatalf("%s: %v", page, err)
			}
			ms, err := chromedp.Run(ctx, chromedp.Poll[float64](`(() => { const m = performance.getEntriesByName("practice-ready")[0]; return m ? m.startTime : 0; })()`,
				chromedp.WithPollingTimeout(30*time.Second)))
			if err != nil {
				b.Fatalf("%s: %v", page, err)
			}
			ready = append(ready, ms)
		}
	}
	b.StopTimer()
	slices.Sort(ready)
	sum := 0.0
	for _, r := range ready {
		sum += r
	}
	b.ReportMetric(sum/float64(len(ready)), "ms-ready-mean")
	b.ReportMetric(ready[len(ready)-1], "ms-ready-worst")
	b.ReportMetric(float64(len(pages)), "pages")
}

// practicePages signs the demo learner in over HTTP and lists the
// gesture exercises' pages (the mailbox is plain HTML, no script).
func practicePages(b *testing.B) (*http.Cookie, []string) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(shared.url+"/signin", url.Values{"login": {"learner1@neyagawa.demo"}, "password": {demoPassword}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(shared.url + "/neyagawa/classes/practice/exercises")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	var pages []string
	for _, m := range regexp.MustCompile(`href="(/neyagawa/classes/lessons/[^"]+/practice/[a-z_]+)"`).FindAllStringSubmatch(sb.String(), -1) {
		if !strings.HasSuffix(m[1], "/mailbox") && !slices.Contains(pages, m[1]) {
			pages = append(pages, m[1])
		}
	}
	u, _ := url.Parse(shared.url)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "serambi_session" {
			return ck, pages
		}
	}
	b.Fatal("signing in gave no session cookie")
	return nil, nil
}
