//! A webhook endpoint on 127.0.0.1, as a shop would run it: it verifies each delivery's
//! signature with the `standardwebhooks` crate (the format's own library, not licensebot's
//! code), answers as the test scripts it, and keeps what it received and how many
//! deliveries of one webhook-id were in flight at once.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// How the endpoint answers one delivery: after `delay`, with `status`.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub status: u16,
    pub delay: Duration,
}

impl Answer {
    pub const OK: Answer = Answer {
        status: 200,
        delay: Duration::ZERO,
    };

    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            delay: Duration::ZERO,
        }
    }

    pub fn after(delay: Duration) -> Answer {
        Answer { status: 200, delay }
    }
}

/// Chooses the answer: (webhook-id, which attempt of that id this is (1 for the first),
/// which request this is of all (1 for the first)).
pub type Script = Arc<dyn Fn(&str, usize, usize) -> Answer + Send + Sync>;

/// A delivery as it arrived, and how it was answered.
#[derive(Debug, Clone)]
pub struct Received {
    pub webhook_id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    pub json: Value,
    /// `standardwebhooks` verified the signature with the endpoint's secret.
    pub verified: bool,
    pub status: u16,
}

#[derive(Clone)]
struct Endpoint {
    secret: Arc<Mutex<Option<String>>>,
    script: Arc<Mutex<Script>>,
    received: Arc<Mutex<Vec<Received>>>,
    arrivals: Arc<AtomicUsize>,
    attempts: Arc<Mutex<HashMap<String, usize>>>,
    in_flight: Arc<Mutex<HashMap<String, usize>>>,
    most_in_flight: Arc<AtomicUsize>,
}

pub struct Receiver {
    /// Where it listens: `http://127.0.0.1:<port>/hooks`.
    pub url: String,
    endpoint: Endpoint,
    stop: CancellationToken,
}

impl Receiver {
    /// Starts an endpoint that answers every delivery with 200.
    pub async fn start() -> Receiver {
        let endpoint = Endpoint {
            secret: Arc::default(),
            script: Arc::new(Mutex::new(Arc::new(|_: &str, _, _| Answer::OK) as Script)),
            received: Arc::default(),
            arrivals: Arc::default(),
            attempts: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the receiver binds");
        let addr = listener.local_addr().expect("an address");
        let stop = CancellationToken::new();
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(endpoint.clone());
        let until = stop.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(until.cancelled_owned())
                .await;
        });
        Receiver {
            url: format!("http://{addr}/hooks"),
            endpoint,
            stop,
        }
    }

    /// The endpoint's secret (`whsec_…`), to verify signatures with.
    pub fn set_secret(&self, secret: &str) {
        *self.endpoint.secret.lock().unwrap() = Some(secret.to_owned());
    }

    pub fn set_script(&self, script: Script) {
        *self.endpoint.script.lock().unwrap() = script;
    }

    /// Every delivery answered so far, in the order they were answered.
    pub fn received(&self) -> Vec<Received> {
        self.endpoint.received.lock().unwrap().clone()
    }

    /// How many requests have arrived (answered or not).
    pub fn arrivals(&self) -> usize {
        self.endpoint.arrivals.load(Ordering::SeqCst)
    }

    /// The most deliveries of one webhook-id that were in flight at the same moment.
    pub fn most_in_flight_of_one_id(&self) -> usize {
        self.endpoint.most_in_flight.load(Ordering::SeqCst)
    }

    /// Waits until `count` deliveries were answered (or `within` passed); returns them.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Takes the in-flight count of one webhook-id back down, even if the request is dropped.
struct InFlight {
    id: String,
    in_flight: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = in_flight.get_mut(&self.id) {
            *n -= 1;
        }
    }
}

async fn receive(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let id = header("webhook-id");
    let arrival = endpoint.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
    let attempt = {
        let mut attempts = endpoint.attempts.lock().unwrap();
        let n = attempts.entry(id.clone()).or_default();
        *n += 1;
        *n
    };
    let _in_flight = {
        let mut in_flight = endpoint.in_flight.lock().unwrap();
        let n = in_flight.entry(id.clone()).or_default();
        *n += 1;
        endpoint.most_in_flight.fetch_max(*n, Ordering::SeqCst);
        InFlight {
            id: id.clone(),
            in_flight: endpoint.in_flight.clone(),
        }
    };
    let script = endpoint.script.lock().unwrap().clone();
    let answer = script(&id, attempt, arrival);
    tokio::time::sleep(answer.delay).await;
    let verified = match endpoint.secret.lock().unwrap().clone() {
        Some(secret) => standardwebhooks::Webhook::new(&secret)
            .and_then(|hook| hook.verify(&body, &headers))
            .is_ok(),
        None => false,
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    endpoint.received.lock().unwrap().push(Received {
        webhook_id: id,
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        body: text,
        verified,
        status: answer.status,
    });
    StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK)
}
