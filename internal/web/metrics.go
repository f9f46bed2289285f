package web

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/serambi/serambi/internal/db"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, d *db.DB) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "serambi_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "serambi_http_request_duration_seconds", Help: "HTTP request durations by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	pool := func(name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	pool("serambi_db_open_connections", "Open database connections (all pools).", func() float64 {
		w, r := d.Stats()
		return float64(w.OpenConnections + r.OpenConnections)
	})
	pool("serambi_db_in_use_connections", "Database connections in use.", func() float64 {
		w, r := d.Stats()
		return float64(w.InUse + r.InUse)
	})
	pool("serambi_db_wait_count", "Total waits for a database connection.", func() float64 {
		w, r := d.Stats()
		return float64(w.WaitCount + r.WaitCount)
	})
	pool("serambi_db_wait_seconds_total", "Total time spent waiting for a database connection.", func() float64 {
		w, r := d.Stats()
		return (w.WaitDuration + r.WaitDuration).Seconds()
	})
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}
