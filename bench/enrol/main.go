// Command enrol is the load benchmark of class enrolment (issue 11):
// 100 clients post enrolments through the JSON API into one session for
// a given time, each for a learner of its own (an instructor enrolling
// people who phoned, so one token serves them all), and it reports
// enrolments per second and latency percentiles. The first Capacity get
// seats, the rest the waiting list — both are enrolments, and both go
// through the session's lock, which is what is measured. The server runs
// in this process on the demo data, on SQLite or PostgreSQL (-db).
//
//	go run ./bench/enrol -db sqlite
//	go run ./bench/enrol -db 'postgres://postgres@127.0.0.1:5432/serambi_bench?sslmode=disable'
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/serambi/serambi/bench/proc"
	"github.com/serambi/serambi/internal/app"
	"github.com/serambi/serambi/internal/audit"
	"github.com/serambi/serambi/internal/classes"
	"github.com/serambi/serambi/internal/config"
	"github.com/serambi/serambi/internal/db"
	"github.com/serambi/serambi/internal/ids"
)

var (
	database = flag.String("db", "sqlite", `"sqlite" (a fresh file) or a PostgreSQL URL of an empty database`)
	clients  = flag.Int("c", 100, "concurrent clients")
	duration = flag.Duration("d", 10*time.Second, "how long to post")
	learners = flag.Int("n", 30000, "learners made beforehand (more than can be enrolled in the time)")
	capacity = flag.Int("capacity", 500, "seats of each session")
	profile  = flag.String("cpuprofile", "", "write a CPU profile of the measured time (server and clients) to this file")
	spread   = flag.Int("sessions", 1, "sessions the clients enrol in (client i in session i mod sessions): 1 is the worst case, every enrolment queueing on one session's lock")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "enrol:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "serambi-enrol-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dsn := *database
	if dsn == "sqlite" {
		dsn = "sqlite:" + filepath.Join(dir, "serambi.db")
	}
	cfg := &config.Config{Addr: "127.0.0.1:0", DataDir: dir, Database: dsn, Demo: true, TURNAddr: "off", BaseURL: "http://127.0.0.1"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, app.WithoutDemoVisitors())
	if err != nil {
		return err
	}
	defer a.Close()
	ready := make(chan string, 1)
	go func() {
		if err := a.Serve(ctx, func(addr string) { ready <- addr }); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
		}
	}()
	base := "http://" + <-ready
	sessions, learnerIDs, err := prepare(ctx, a)
	if err != nil {
		return err
	}
	token, err := tokenOf(base, "instructor@fukuoka.demo")
	if err != nil {
		return err
	}
	stopProfile, err := proc.Profile(*profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	var next atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	failed := atomic.Int64{}
	stop := time.Now().Add(*duration)
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	for c := range *clients {
		url := base + "/api/v1/t/fukuoka/sessions/" + sessions[c%len(sessions)] + "/enrolments"
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(stop) {
				i := next.Add(1) - 1
				if int(i) >= len(learnerIDs) {
					break
				}
				body, _ := json.Marshal(map[string]any{"phone": "android", "for": learnerIDs[i]})
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusCreated {
					failed.Add(1)
					if resp != nil {
						resp.Body.Close()
					}
					continue
				}
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[int(float64(len(latencies)-1)*p)]
	}
	t, err := a.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		return err
	}
	var seated, seats, waiting int
	for _, id := range sessions {
		x, err := a.Classes.Session(ctx, t.ID, ids.ClassSession(id))
		if err != nil {
			return err
		}
		seated, seats, waiting = seated+x.Enrolled, seats+x.Capacity, waiting+x.Waitlisted
	}
	fmt.Printf("%s: %d enrolments in %s with %d clients over %d sessions = %.0f/s; p50 %s, p99 %s, max %s; failed %d; seated %d of %d, waiting %d\n",
		a.DB.Dialect(), len(latencies), *duration, *clients, len(sessions), float64(len(latencies))/duration.Seconds(),
		pct(0.50).Round(time.Millisecond/10), pct(0.99).Round(time.Millisecond/10), pct(1).Round(time.Millisecond/10),
		failed.Load(), seated, seats, waiting)
	return nil
}

// prepare makes the sessions a day ahead in fukuoka and n learners,
// written straight into the database (making them through the API would
// hash n passwords).
func prepare(ctx context.Context, a *app.App) ([]string, []string, error) {
	t, err := a.Tenants.BySlug(ctx, "fukuoka")
	if err != nil {
		return nil, nil, err
	}
	courses, err := a.Classes.Courses(ctx, t.ID, true)
	if err != nil || len(courses) == 0 {
		return nil, nil, fmt.Errorf("demo courses: %d, %v", len(courses), err)
	}
	start := a.Clock.Now().Add(24 * time.Hour)
	var sessions []string
	for range max(1, *spread) {
		x, err := a.Classes.CreateSession(ctx, audit.System, t.ID, classes.Session{CourseID: courses[0].ID, StartsAt: start,
			EndsAt: start.Add(time.Hour), VenueName: "Bench hall", Capacity: *capacity})
		if err != nil {
			return nil, nil, err
		}
		sessions = append(sessions, string(x.ID))
	}
	out := make([]string, *learners)
	now := a.Clock.Now()
	err = a.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range out {
			out[i] = db.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
				VALUES (?, ?, ?, '', ?, ?)`, out[i], fmt.Sprintf("bench-learner-%d@example.jp", i), "Learner", now, now); err != nil {
				return err
			}
		}
		return nil
	})
	return sessions, out, err
}

func tokenOf(base, email string) (string, error) {
	body := `{"email":"` + email + `","password":"` + app.DemoPassword + `"}`
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("token for %s: %d %v", email, resp.StatusCode, err)
	}
	return tok.Token, nil
}
