//! `GET /metrics`: the server's figures in the Prometheus text format
//! (OpenMetrics), kept with `prometheus-client`: requests by route, method
//! and status, a latency histogram by route, the database pool's use, and
//! pushes (by result) and pulls.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's path pattern (`/v1/sessions`), or `other` for none.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PushLabels {
    /// `stored` or `unchanged` (refusals are counted by status).
    pub result: String,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pub pushes: Family<PushLabels, Counter>,
    pub pulls: Counter,
    pub pulled_sessions: Counter,
    pool_size: Gauge,
    pool_available: Gauge,
    pool_waiting: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("panelist");
        let m = Metrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            pushes: Family::default(),
            pulls: Counter::default(),
            pulled_sessions: Counter::default(),
            pool_size: Gauge::default(),
            pool_available: Gauge::default(),
            pool_waiting: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            m.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            m.latency.clone(),
        );
        registry.register(
            "pushes",
            "Sessions pushed and accepted, by result",
            m.pushes.clone(),
        );
        registry.register("pulls", "Pages of the change feed served", m.pulls.clone());
        registry.register(
            "pulled_sessions",
            "Session files sent in change-feed pages",
            m.pulled_sessions.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections open in the pool",
            m.pool_size.clone(),
        );
        registry.register(
            "db_pool_idle",
            "Database connections idle in the pool",
            m.pool_available.clone(),
        );
        registry.register(
            "db_pool_waiting",
            "Requests waiting for a database connection",
            m.pool_waiting.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Counts an accepted push.
    pub fn pushed(&self, outcome: panelist_core::wire::PushOutcome) {
        let result = match outcome {
            panelist_core::wire::PushOutcome::Stored => "stored",
            panelist_core::wire::PushOutcome::Unchanged => "unchanged",
        };
        self.pushes
            .get_or_create(&PushLabels {
                result: result.into(),
            })
            .inc();
    }

    /// The text exposition, with the pool's use read now.
    pub fn render(&self, pool: &deadpool_postgres::Pool) -> String {
        let s = pool.status();
        self.pool_size.set(s.size as i64);
        self.pool_available.set(s.available as i64);
        self.pool_waiting.set(s.waiting as i64);
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}
