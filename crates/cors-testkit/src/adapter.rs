//! The drivers the three adapters' tests share: fastcors-core's conformance
//! vectors, the attacker-origin corpus (`attacker.json`) and the hostile
//! inputs (`hostile.json`), each over a closure that sends one request
//! through the framework ([`SendFn`]); plus raw-socket helpers and the
//! policy of the framework-specific tests.

use std::path::PathBuf;

use fastcors_core::{Config, Cors, Preset};
use serde_json::Value;

use crate::corpus::Corpus;
use crate::hostile::{HostileSet, Outcome};

/// One conformance vector (format: crates/cors-core/tests/vectors*.json).
#[derive(Debug, Clone)]
pub struct Vector {
    pub file: String,
    pub name: String,
    pub config: Value,
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub kind: String,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub expect_headers: Vec<(String, String)>,
    /// The vector says its configuration must fail to build.
    pub expect_config_error: bool,
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap_or_default().to_owned(),
                        p[1].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every conformance vector: `vectors.json` (which merges all the others),
/// or, until it exists, every `vectors*.json` file.
pub fn load_vectors() -> Vec<Vector> {
    let dir: PathBuf = crate::data_dir();
    let merged = dir.join("vectors.json");
    let files: Vec<PathBuf> = if merged.exists() {
        vec![merged]
    } else {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with("vectors") && name.ends_with(".json")
            })
            .collect();
        files.sort();
        files
    };
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        for v in doc["vectors"].as_array().into_iter().flatten() {
            let expect = &v["expect"];
            let kind = expect["kind"].as_str().unwrap_or("").to_owned();
            out.push(Vector {
                file: file.clone(),
                name: v["name"].as_str().unwrap_or("").to_owned(),
                config: v["config"].clone(),
                method: v["request"]["method"].as_str().unwrap_or("GET").to_owned(),
                path: v["request"]["path"].as_str().unwrap_or("/").to_owned(),
                headers: pairs(&v["request"]["headers"]),
                expect_config_error: kind == "config-error"
                    || kind == "config_error"
                    || expect["config_error"].as_bool() == Some(true)
                    || v["config_error"].as_bool() == Some(true),
                kind,
                status: expect["status"].as_u64().map(|s| s as u16),
                body: expect["body"].as_str().map(str::to_owned),
                expect_headers: pairs(&expect["headers"]),
            });
        }
    }
    out
}

/// Builds the vector's policy. `None`: the vector expects the configuration
/// to be refused, and it was. A build failure the vector does not expect is
/// an `Err`.
pub fn build(v: &Vector) -> Result<Option<Cors>, String> {
    let built = Config::from_json_str(&v.config.to_string()).and_then(|c| Cors::from_config(&c));
    match (built, v.expect_config_error) {
        (Ok(c), false) => Ok(Some(c)),
        (Err(_), true) => Ok(None),
        (Ok(_), true) => Err(format!(
            "{}: configuration should have been refused",
            v.name
        )),
        (Err(e), false) => Err(format!("{}: configuration refused: {e}", v.name)),
    }
}

fn is_cors_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("access-control-") || n == "vary"
}

/// How the framework keeps response header order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `http::HeaderMap`: fields of one name stay together, in order, at the
    /// position where the name first appeared.
    GroupedByName,
    /// No order at all (actix's map): compare as a multiset.
    None,
}

fn group_by_name(list: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (n, _) in list {
        if !names.contains(&n.as_str()) {
            names.push(n);
        }
    }
    for name in names {
        out.extend(list.iter().filter(|(n, _)| n == name).cloned());
    }
    out
}

/// What came back from the framework.
#[derive(Debug, Clone)]
pub struct Observed {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    /// Whether the application handler ran.
    pub app_called: bool,
}

/// Compares a response with a vector's expectation.
pub fn check(v: &Vector, got: &Observed, order: Order) -> Result<(), String> {
    let mut problems = Vec::new();
    let want_status = match v.kind.as_str() {
        "actual" => v.status.unwrap_or(200),
        _ => v.status.unwrap_or(0),
    };
    if got.status != want_status {
        problems.push(format!("status {} != expected {}", got.status, want_status));
    }
    match v.kind.as_str() {
        "actual" => {
            if !got.app_called {
                problems.push("the application was not called".into());
            }
        }
        "preflight" | "reject" => {
            if got.app_called {
                problems.push("the application was called".into());
            }
            let want_body = v.body.clone().unwrap_or_default();
            if got.body != want_body.as_bytes() {
                problems.push(format!(
                    "body {:?} != expected {:?}",
                    String::from_utf8_lossy(&got.body),
                    want_body
                ));
            }
        }
        other => problems.push(format!("unknown kind {other:?}")),
    }
    let lower = |l: &[(String, String)]| -> Vec<(String, String)> {
        l.iter()
            .filter(|(n, _)| is_cors_header(n))
            .map(|(n, val)| (n.to_ascii_lowercase(), val.clone()))
            .collect()
    };
    let mut got_h = lower(&got.headers);
    let mut want_h = lower(&v.expect_headers);
    match order {
        Order::GroupedByName => want_h = group_by_name(&want_h),
        Order::None => {
            got_h.sort();
            want_h.sort();
        }
    }
    if got_h != want_h {
        problems.push(format!("headers {got_h:?} != expected {want_h:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "[{}] {} ({} {} {:?}): {}",
            v.file,
            v.name,
            v.method,
            v.path,
            v.headers,
            problems.join("; ")
        ))
    }
}

/// Whether `value` can be carried in an HTTP field value at all; a vector
/// whose request cannot (such as an origin with a control character) never
/// reaches a framework's middleware, as the HTTP parser refuses it.
pub fn representable(v: &Vector) -> bool {
    v.headers.iter().all(|(n, val)| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b':')
            && val.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    })
}

/// Runs every vector through `run` and fails with every mismatch at once.
/// Returns (vectors run, vectors skipped because HTTP cannot carry them).
pub fn run_all(order: Order, mut run: impl FnMut(&Vector, Cors) -> Observed) -> (usize, usize) {
    let vectors = load_vectors();
    assert!(!vectors.is_empty(), "no conformance vectors found");
    let mut failures = Vec::new();
    let (mut ran, mut skipped) = (0, 0);
    for v in &vectors {
        match build(v) {
            Ok(Some(_)) if !representable(v) => skipped += 1,
            Ok(Some(cors)) => {
                let got = run(v, cors);
                ran += 1;
                if let Err(e) = check(v, &got, order) {
                    failures.push(e);
                }
            }
            Ok(None) => ran += 1,
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    (ran, skipped)
}

/// A response head read off a real socket.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `head` (request line and headers, without the blank line) over a
/// fresh TCP connection and reads the response head only, so that a `101`
/// can be seen without waiting for the WebSocket to close.
pub fn raw_http(addr: std::net::SocketAddr, head: &str) -> RawResponse {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(s, "{head}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    RawResponse { status, headers }
}

/// A WebSocket handshake request head for `path` from `origin`.
pub fn ws_handshake(path: &str, origin: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nhost: localhost\r\norigin: {origin}\r\nupgrade: websocket\r\n\
         connection: Upgrade\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ=="
    )
}

/// The policy the framework-specific tests use.
pub fn app_config() -> Cors {
    Cors::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["GET", "PUT", "POST", "DELETE"])
        .allow_headers(["content-type"])
        .expose_headers(["x-total"])
        .build()
        .expect("app config")
}

pub const ALLOWED: &str = "https://app.example.com";
pub const DENIED: &str = "https://evil.example.net";

/// Sends one request through an adapter: (engine, method, path, headers).
pub type SendFn<'s> = dyn FnMut(Cors, &str, &str, &[(String, String)]) -> Observed + 's;

/// Whether a response grants anything (the attacker corpus must never).
pub fn grants(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, _)| {
        n.eq_ignore_ascii_case("access-control-allow-origin")
            || n.eq_ignore_ascii_case("access-control-allow-credentials")
    })
}

fn has(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// `bytes` as a field value HTTP can carry (visible ASCII, space, tab), or
/// `None`: such a request never reaches a framework's middleware.
pub fn http_value(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        .then(|| String::from_utf8(bytes.to_vec()).expect("ASCII"))
}

/// The engine an adapter serves a corpus entry with: the entry's origins,
/// the standard preset, methods GET, PUT, POST, DELETE, headers
/// content-type and authorization, credentials.
pub fn attacker_config(entry: &crate::corpus::Entry) -> Cors {
    entry
        .builder(Preset::Standard)
        .allow_methods(["GET", "PUT", "POST", "DELETE"])
        .allow_headers(["content-type", "authorization"])
        .allow_credentials(true)
        .build()
        .unwrap_or_else(|e| panic!("corpus entry {}: {e}", entry.name))
}

/// The attacker-origin corpus through an adapter, for every entry: no
/// attacker origin is granted on a simple request or a preflight; the
/// legitimate ones are. Origins HTTP cannot carry are skipped. Returns
/// (origins sent, origins skipped).
pub fn check_attacker_corpus(send: &mut SendFn<'_>) -> (usize, usize) {
    let corpus = Corpus::load();
    let preflight = [(
        "access-control-request-method".to_string(),
        "PUT".to_string(),
    )];
    let (mut sent, mut skipped) = (0, 0);
    for entry in &corpus.entries {
        let cors = attacker_config(entry);
        for raw in corpus.attackers_of(entry) {
            let Some(origin) = http_value(&raw) else {
                skipped += 1;
                continue;
            };
            for (method, extra) in [("GET", &[][..]), ("OPTIONS", &preflight[..])] {
                let mut headers = vec![("origin".to_string(), origin.clone())];
                headers.extend_from_slice(extra);
                let got = send(cors.clone(), method, "/", &headers);
                assert!(
                    !grants(&got.headers),
                    "{}: {method} {origin:?} was granted: {:?}",
                    entry.name,
                    got.headers
                );
            }
            sent += 1;
        }
        for origin in &entry.legitimate {
            let headers = vec![("origin".to_string(), origin.to_string())];
            let got = send(cors.clone(), "GET", "/", &headers);
            assert!(
                grants(&got.headers),
                "{}: {origin} should be allowed",
                entry.name
            );
        }
    }
    assert!(sent > 100, "only {sent} attacker origins sent");
    (sent, skipped)
}

/// Checks one response against a hostile case's expected outcome.
///
/// Allowed: `Access-Control-Allow-Origin` is sent (and a preflight is
/// answered without the application). Refused: no
/// `Access-Control-Allow-Origin` on a simple request (nor, in the standard
/// preset, `Access-Control-Allow-Credentials`); a refused preflight never
/// reaches the application, and gets no `Access-Control-Allow-Origin` nor
/// `Access-Control-Allow-Headers` in the standard preset and an error status
/// in the starlette preset (which, like Starlette, sends its configured
/// headers with the refusal).
pub fn check_outcome(
    what: &str,
    preset: &str,
    preflight: bool,
    want: Outcome,
    got: &Observed,
) -> Result<(), String> {
    let acao = has(&got.headers, "access-control-allow-origin");
    let fail = |m: &str| {
        Err(format!(
            "{what} ({preset}): {m}: {} {:?}",
            got.status, got.headers
        ))
    };
    match want {
        Outcome::Allowed => {
            if !acao {
                return fail("not allowed");
            }
            if preflight && got.app_called {
                return fail("the preflight reached the application");
            }
        }
        Outcome::Refused if !preflight => {
            if acao {
                return fail("ACAO on a refusal");
            }
            if preset == "standard" && has(&got.headers, "access-control-allow-credentials") {
                return fail("ACAC on a refusal");
            }
        }
        Outcome::Refused => {
            if got.app_called {
                return fail("the preflight reached the application");
            }
            if preset == "standard" && (acao || has(&got.headers, "access-control-allow-headers")) {
                return fail("CORS headers on a refused preflight");
            }
            if preset != "standard" && got.status < 400 {
                return fail("a refused preflight with a success status");
            }
        }
    }
    Ok(())
}

/// The hostile-input set through an adapter: every case HTTP can carry, in
/// every preset it lists, gets its expected outcome. Returns (requests
/// sent, cases skipped because HTTP cannot carry them).
pub fn check_hostile_inputs(send: &mut SendFn<'_>) -> (usize, usize) {
    let set = HostileSet::load();
    let (mut sent, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for case in &set.cases {
        let fields: Option<Vec<(String, String)>> = case
            .fields()
            .into_iter()
            .map(|(n, v)| Some((http_value(&n)?, http_value(&v)?)))
            .collect();
        let Some(fields) = fields else {
            skipped += 1;
            continue;
        };
        for (preset, want) in case.presets() {
            let got = send(set.engine(case, preset), &case.method, "/", &fields);
            if let Err(e) = check_outcome(&case.name, preset, case.is_preflight(), want, &got) {
                failures.push(e);
            }
            sent += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(sent > 10, "only {sent} hostile requests sent");
    (sent, skipped)
}
