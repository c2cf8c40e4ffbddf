// Package health tells whether a process's dependencies are usable: named
// checks (a Kafka round trip, a ClickHouse ping, the local ClickHouse
// supervisor's state) probed periodically in the background, with the
// latest results cached, and served as a Kubernetes-style readiness
// endpoint (`/readyz`: 200 when every dependency is ok, else 503 naming the
// ones that are down and their last error).
//
// Liveness (`/healthz`) is not this package's business: a process whose
// dependencies are down is alive and keeps serving, with backpressure.
package health
