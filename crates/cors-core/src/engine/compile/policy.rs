//! One rule's policy, compiled: its header values built once and its
//! response plans laid out per preset.
//!
//! This is the only place that knows how Starlette 1.10.0 and the Fetch
//! standard differ in *which* headers a response carries; evaluation reads
//! the plans made here.

use bytes::Bytes;

use crate::config::Preset;
use crate::decision::HeaderName;
use crate::engine::plan::{AllowedMethods, CompiledPolicy, Plan, Src, ValueId};
use crate::headers::AllowedHeaders;
use crate::value::PolicyValue;

/// Starlette's `ALL_METHODS`, what `allow_methods=["*"]` expands to.
pub(crate) const STARLETTE_ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];

/// Starlette's `SAFELISTED_HEADERS`, always merged into `allow_headers`.
pub(crate) const STARLETTE_SAFELISTED_HEADERS: [&str; 4] = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
];

/// Fetch's CORS-safelisted methods: allowed without being listed.
const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// The resolved (inherited, defaulted) settings of one rule, as strings.
pub(crate) struct PolicyInput<'a> {
    pub name: String,
    pub any_origin: bool,
    pub methods: &'a [String],
    pub headers: &'a [String],
    pub expose: &'a [String],
    pub credentials: bool,
    pub private_network: bool,
    pub max_age: u64,
    /// With `*` origins and credentials, reflect the origin instead of `*`.
    pub reflect_any_origin: bool,
}

/// The engine's policy values, each stored once.
#[derive(Default)]
pub(crate) struct ValueTable {
    pub values: Vec<PolicyValue>,
}

impl ValueTable {
    /// The id of `text`, adding it if new; `None` if it cannot be sent in a
    /// header (the checks before compilation refuse such input, so this is
    /// a second line of defence) or the table is full.
    pub(crate) fn intern(&mut self, text: &str) -> Option<ValueId> {
        if let Some(i) = self
            .values
            .iter()
            .position(|v| v.as_bytes() == text.as_bytes())
        {
            return Some(i as ValueId);
        }
        let id = ValueId::try_from(self.values.len()).ok()?;
        self.values.push(PolicyValue::new(
            id,
            Bytes::copy_from_slice(text.as_bytes()),
        )?);
        Some(id)
    }
}

/// The header values of one policy, as ids.
struct Values {
    star: ValueId,
    true_: ValueId,
    vary: ValueId,
    methods: Option<ValueId>,
    headers: Option<ValueId>,
    expose: Option<ValueId>,
    max_age: ValueId,
}

/// A policy value that cannot be sent (see [`ValueTable::intern`]).
#[derive(Debug)]
pub(crate) struct Unsendable(pub String);

/// Compiles one policy. `preflight_vary` is the engine-wide `Vary` of
/// preflight answers.
pub(crate) fn compile_policy(
    preset: Preset,
    input: PolicyInput<'_>,
    preflight_vary: &str,
    table: &mut ValueTable,
) -> Result<CompiledPolicy, Unsendable> {
    let (methods, methods_value) = methods(preset, input.methods);
    let (headers, headers_value) = allowed_headers(preset, input.headers);
    let expose_value = (!input.expose.is_empty()).then(|| input.expose.join(", "));
    let mut id = |s: &str| table.intern(s).ok_or_else(|| Unsendable(s.to_string()));
    let v = Values {
        star: id("*")?,
        true_: id("true")?,
        vary: id(preflight_vary)?,
        methods: methods_value.as_deref().map(&mut id).transpose()?,
        headers: headers_value.as_deref().map(&mut id).transpose()?,
        expose: expose_value.as_deref().map(&mut id).transpose()?,
        max_age: id(&input.max_age.to_string())?,
    };
    let plans = match preset {
        Preset::Starlette => starlette_plans(&input, &headers, &v),
        Preset::Standard => standard_plans(&input, &methods, &headers, &v),
    };
    Ok(CompiledPolicy {
        name: input.name,
        private_network: input.private_network,
        methods,
        headers,
        actual_allowed: plans[0],
        actual_denied: plans[1],
        preflight_ok: plans[2],
        preflight_denied: plans[3],
    })
}

/// The allowed methods and the `Access-Control-Allow-Methods` value
/// (`None`: mirror the requested method, or send nothing).
fn methods(preset: Preset, configured: &[String]) -> (AllowedMethods, Option<String>) {
    let any = configured.iter().any(|m| m == "*");
    let bytes = |v: &[&str]| v.iter().map(|m| Box::from(m.as_bytes())).collect();
    match preset {
        // `if "*" in allow_methods: allow_methods = ALL_METHODS`; the value
        // is sent even when empty.
        Preset::Starlette => {
            let list: Vec<&str> = if any {
                STARLETTE_ALL_METHODS.to_vec()
            } else {
                configured.iter().map(String::as_str).collect()
            };
            let allowed = AllowedMethods {
                listed: bytes(&list),
                any: false,
            };
            (allowed, Some(list.join(", ")))
        }
        Preset::Standard => {
            let list: Vec<&str> = configured
                .iter()
                .map(String::as_str)
                .filter(|m| *m != "*")
                .collect();
            let mut matching = list.clone();
            matching.extend(SAFELISTED_METHODS);
            let allowed = AllowedMethods {
                listed: bytes(&matching),
                any,
            };
            let value = (!any && !list.is_empty()).then(|| list.join(", "));
            (allowed, value)
        }
    }
}

/// The allowed request headers and the `Access-Control-Allow-Headers`
/// value (`None` with `*`: the request's are mirrored).
fn allowed_headers(preset: Preset, configured: &[String]) -> (AllowedHeaders, Option<String>) {
    let any = configured.iter().any(|h| h == "*");
    let names: Vec<String> = match preset {
        // `sorted(SAFELISTED_HEADERS | set(allow_headers))`, by code point.
        Preset::Starlette => {
            let mut merged: Vec<String> = STARLETTE_SAFELISTED_HEADERS
                .iter()
                .map(|h| h.to_string())
                .chain(configured.iter().cloned())
                .collect();
            merged.sort();
            merged.dedup();
            merged
        }
        Preset::Standard => {
            let mut names: Vec<String> = Vec::new();
            for h in configured.iter().filter(|h| *h != "*") {
                let l = h.to_ascii_lowercase();
                if !names.contains(&l) {
                    names.push(l);
                }
            }
            names
        }
    };
    let value = (!any && !names.is_empty()).then(|| names.join(", "));
    let lowered = names
        .iter()
        .map(|h| h.to_lowercase().into_boxed_str())
        .collect();
    (AllowedHeaders::new(any, lowered), value)
}

fn plan(entries: &[Option<(HeaderName, Src)>]) -> Plan {
    let mut p = Plan::default();
    for (name, src) in entries.iter().flatten() {
        p.push(*name, *src);
    }
    p
}

/// Starlette 1.10.0's `simple_headers`, `preflight_headers` and the
/// additions `send` and `preflight_response` make, in its order.
/// Returns [actual allowed, actual denied, preflight ok, preflight denied].
fn starlette_plans(input: &PolicyInput<'_>, headers: &AllowedHeaders, v: &Values) -> [Plan; 4] {
    use HeaderName as H;
    let (any, cred) = (input.any_origin, input.credentials);
    let when = |c: bool, n: H, s: Src| c.then_some((n, s));
    let star = Src::Policy(v.star);
    let creds = when(cred, H::AllowCredentials, Src::Policy(v.true_));
    let expose = v.expose.map(|e| (H::ExposeHeaders, Src::Policy(e)));
    // `simple_headers`, then `allow_explicit_origin` sets the origin: in
    // place of the `*` when there is one (credentials), else at the end.
    let actual_allowed = if any {
        let origin = if cred { Src::Origin } else { star };
        plan(&[Some((H::AllowOrigin, origin)), creds, expose])
    } else {
        plan(&[creds, expose, Some((H::AllowOrigin, Src::Origin))])
    };
    // A refused origin still gets `simple_headers`, but never a `*` beside
    // credentials (a deliberate deviation: see SECURITY.md).
    let actual_denied = plan(&[when(any && !cred, H::AllowOrigin, star), creds, expose]);
    let explicit = !any || cred;
    let preflight = plan(&[
        Some((H::Vary, Src::Policy(v.vary))),
        when(!explicit, H::AllowOrigin, star),
        v.methods.map(|m| (H::AllowMethods, Src::Policy(m))),
        Some((H::MaxAge, Src::Policy(v.max_age))),
        v.headers.map(|h| (H::AllowHeaders, Src::Policy(h))),
        creds,
        when(explicit, H::AllowOrigin, Src::Origin),
        when(headers.any, H::AllowHeaders, Src::FirstRequestHeaders),
        Some((H::AllowPrivateNetwork, Src::IfPrivateNetwork(v.true_))),
    ]);
    [actual_allowed, actual_denied, preflight, preflight]
}

/// The Fetch standard's answers ([§3.2.3 HTTP responses]): the origin (or
/// `*`), credentials, methods, headers, max-age, private network; a refused
/// preflight gets only `Vary`, a refused actual request nothing.
/// Returns [actual allowed, actual denied, preflight ok, preflight denied].
///
/// [§3.2.3 HTTP responses]: https://fetch.spec.whatwg.org/#http-responses
fn standard_plans(
    input: &PolicyInput<'_>,
    methods: &AllowedMethods,
    headers: &AllowedHeaders,
    v: &Values,
) -> [Plan; 4] {
    use HeaderName as H;
    let (any, cred) = (input.any_origin, input.credentials);
    let creds = cred.then_some((H::AllowCredentials, Src::Policy(v.true_)));
    let expose = v.expose.map(|e| (H::ExposeHeaders, Src::Policy(e)));
    let vary = Some((H::Vary, Src::Policy(v.vary)));
    let actual_origin = if any && !input.reflect_any_origin {
        Src::Policy(v.star)
    } else {
        Src::Origin
    };
    let actual_allowed = plan(&[Some((H::AllowOrigin, actual_origin)), creds, expose]);
    let preflight_origin = if any && !cred {
        Src::Policy(v.star)
    } else {
        Src::Origin
    };
    let allow_methods = if methods.any {
        Some((H::AllowMethods, Src::RequestMethod))
    } else {
        v.methods.map(|m| (H::AllowMethods, Src::Policy(m)))
    };
    let allow_headers = match v.headers {
        Some(h) => Some((H::AllowHeaders, Src::Policy(h))),
        None => headers
            .any
            .then_some((H::AllowHeaders, Src::RequestHeaders)),
    };
    let preflight_ok = plan(&[
        Some((H::AllowOrigin, preflight_origin)),
        creds,
        allow_methods,
        allow_headers,
        Some((H::MaxAge, Src::Policy(v.max_age))),
        Some((H::AllowPrivateNetwork, Src::IfPrivateNetwork(v.true_))),
        vary,
    ]);
    [actual_allowed, Plan::default(), preflight_ok, plan(&[vary])]
}
