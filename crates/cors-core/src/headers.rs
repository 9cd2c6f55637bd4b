//! Token checks and the one-pass `Access-Control-Request-Headers` check.
//!
//! The request-headers value is attacker-controlled and may be huge (a 1 MiB
//! run of commas). Both checks here walk it once, left to right, compare each
//! item against the allowed list without copying it, and stop at the first
//! item that is not allowed: linear time, no allocation.

use crate::decision::{trim_ows, Reason};
use crate::request::{MAX_REQUESTED_HEADER_BYTES, MAX_REQUESTED_HEADER_NAMES};

/// RFC 9110 `tchar`: the characters of a token (method and header names).
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Whether `s` is a non-empty token.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// The allowed request headers of one policy, lowercased once at build time.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowedHeaders {
    /// `*` was configured.
    pub any: bool,
    /// `authorization` is listed explicitly (a `*` never covers it in the
    /// standard preset: Fetch excludes it from the wildcard).
    pub authorization: bool,
    /// Lowercased names; for the starlette preset this is Starlette's
    /// `self.allow_headers` list (safelisted headers merged in).
    pub names: Vec<Box<str>>,
    /// Longest name, so that longer items are refused without comparing.
    pub longest: usize,
}

impl AllowedHeaders {
    pub(crate) fn new(any: bool, names: Vec<Box<str>>) -> Self {
        let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let authorization = names.iter().any(|n| &**n == "authorization");
        AllowedHeaders {
            any,
            authorization,
            names,
            longest,
        }
    }

    /// Standard check ([Fetch §4.8] step 7, "CORS-preflight fetch": every
    /// requested name must be allowed): each name a token, allowed
    /// case-insensitively, over every field. Empty list items (`a,,b`) are
    /// skipped, as HTTP list syntax allows. At most
    /// [`MAX_REQUESTED_HEADER_NAMES`] names and [`MAX_REQUESTED_HEADER_BYTES`]
    /// bytes of names are looked at; more is refused.
    ///
    /// [Fetch §4.8]: https://fetch.spec.whatwg.org/#cors-preflight-fetch
    pub(crate) fn check_standard(&self, fields: &[&[u8]]) -> Result<(), Reason> {
        let mut names = 0usize;
        let mut bytes = 0usize;
        for field in fields {
            for item in field.split(|b| *b == b',') {
                let item = trim_ows(item);
                if item.is_empty() {
                    continue;
                }
                names += 1;
                bytes += item.len();
                if names > MAX_REQUESTED_HEADER_NAMES || bytes > MAX_REQUESTED_HEADER_BYTES {
                    return Err(Reason::TooManyRequestHeaders);
                }
                self.check_standard_name(item)?;
            }
        }
        Ok(())
    }

    fn check_standard_name(&self, item: &[u8]) -> Result<(), Reason> {
        if self.any {
            if !is_token(item) {
                return Err(Reason::InvalidRequestHeaders);
            }
            if item.eq_ignore_ascii_case(b"authorization") && !self.authorization {
                return Err(Reason::AuthorizationNeedsExplicitAllow);
            }
            return Ok(());
        }
        // A listed name is a token (checked at build time), so an item
        // equal to one needs no token check of its own.
        // Browsers send the names lowercased, as they are stored: an exact
        // comparison first, a case-insensitive one only if that fails.
        let listed = item.len() <= self.longest
            && (self.names.iter().any(|n| n.as_bytes() == item)
                || self
                    .names
                    .iter()
                    .any(|n| n.as_bytes().eq_ignore_ascii_case(item)));
        if listed {
            Ok(())
        } else if is_token(item) {
            Err(Reason::HeaderNotAllowed)
        } else {
            Err(Reason::InvalidRequestHeaders)
        }
    }

    /// Starlette check, exactly as `CORSMiddleware.preflight_response` does
    /// it on the latin-1 decoded first field: split on `,`, lowercase, strip
    /// Python whitespace, and look the item up in the lowercased list (so an
    /// empty item, as in `a,,b` or an empty value, is refused).
    pub(crate) fn check_starlette(&self, first_field: &[u8]) -> Result<(), Reason> {
        for item in first_field.split(|b| *b == b',') {
            let item = py_strip(item);
            if item.len() > self.longest * 2 + 4 {
                // Latin-1 characters are one byte and a lowercased name is at
                // most `longest` characters, so a longer item cannot match.
                return Err(Reason::HeaderNotAllowed);
            }
            if !self.names.iter().any(|n| latin1_lower_eq(item, n)) {
                return Err(Reason::HeaderNotAllowed);
            }
        }
        Ok(())
    }
}

/// Python's `str.strip()` on a latin-1 decoded byte string: the characters
/// for which `str.isspace()` is true in that range.
pub(crate) fn py_strip(mut s: &[u8]) -> &[u8] {
    const fn space(b: u8) -> bool {
        matches!(b, 0x09..=0x0d | 0x1c..=0x20 | 0x85 | 0xa0)
    }
    while let [first, rest @ ..] = s {
        if !space(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !space(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Whether the latin-1 bytes `item`, lowercased as Python lowercases them,
/// equal `lowered` (a string already lowercased by Python's rules).
pub(crate) fn latin1_lower_eq(item: &[u8], lowered: &str) -> bool {
    let mut want = lowered.chars();
    for &b in item {
        let c = char::from(b);
        let mut lower = c.to_lowercase();
        // Every latin-1 character lowercases to exactly one character, except
        // none; `İ` (the two-character case) is outside latin-1.
        let Some(l) = lower.next() else { return false };
        if want.next() != Some(l) || lower.next().is_some() {
            return false;
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(any: bool, names: &[&str]) -> AllowedHeaders {
        AllowedHeaders::new(any, names.iter().map(|n| Box::from(*n)).collect())
    }

    #[test]
    fn standard_check_is_case_insensitive_and_skips_empty_items() {
        let a = allowed(false, &["content-type", "x-token"]);
        assert_eq!(a.check_standard(&[b"Content-Type, X-TOKEN"]), Ok(()));
        assert_eq!(a.check_standard(&[b"content-type,,  ,x-token"]), Ok(()));
        assert_eq!(a.check_standard(&[b"content-type", b"x-token"]), Ok(()));
        assert_eq!(
            a.check_standard(&[b"x-other"]),
            Err(Reason::HeaderNotAllowed)
        );
        assert_eq!(
            a.check_standard(&[b"x token"]),
            Err(Reason::InvalidRequestHeaders)
        );
        assert_eq!(
            a.check_standard(&[b"x-t\xffoken"]),
            Err(Reason::InvalidRequestHeaders)
        );
    }

    #[test]
    fn wildcard_never_covers_authorization_in_standard() {
        let a = allowed(true, &[]);
        assert_eq!(a.check_standard(&[b"x-anything, x-else"]), Ok(()));
        assert_eq!(
            a.check_standard(&[b"x-a, Authorization"]),
            Err(Reason::AuthorizationNeedsExplicitAllow)
        );
        let a = allowed(true, &["authorization"]);
        assert_eq!(a.check_standard(&[b"x-a, Authorization"]), Ok(()));
    }

    #[test]
    fn starlette_check_matches_python_semantics() {
        let a = allowed(false, &["accept", "content-type", "x-example"]);
        assert_eq!(a.check_starlette(b"X-Example, content-type"), Ok(()));
        assert_eq!(a.check_starlette(b"\x0bx-example\xa0"), Ok(()));
        // An empty item is not in the list: Starlette refuses "a,,b" and "".
        assert_eq!(
            a.check_starlette(b"x-example,,accept"),
            Err(Reason::HeaderNotAllowed)
        );
        assert_eq!(a.check_starlette(b""), Err(Reason::HeaderNotAllowed));
        let a = allowed(false, &["x-\u{e9}t\u{e9}"]);
        assert_eq!(a.check_starlette(b"X-\xc9T\xc9"), Ok(()));
    }

    #[test]
    fn a_megabyte_of_commas_is_one_linear_pass() {
        let value = vec![b','; 1 << 20];
        let a = allowed(false, &["x-a"]);
        assert_eq!(a.check_standard(&[&value]), Ok(()));
        assert_eq!(a.check_starlette(&value), Err(Reason::HeaderNotAllowed));
        let mut long = b"x-a,".repeat(1 << 18);
        long.extend_from_slice(b"x-b");
        assert_eq!(
            a.check_standard(&[&long]),
            Err(Reason::TooManyRequestHeaders)
        );
    }

    #[test]
    fn names_are_bounded_however_they_are_split() {
        let a = allowed(false, &["x-a"]);
        let one = b"x-a,".repeat(MAX_REQUESTED_HEADER_NAMES);
        assert_eq!(a.check_standard(&[&one]), Ok(()));
        let split: Vec<&[u8]> = vec![b"x-a"; MAX_REQUESTED_HEADER_NAMES];
        assert_eq!(a.check_standard(&split), Ok(()));
        let more: Vec<&[u8]> = vec![b"x-a"; MAX_REQUESTED_HEADER_NAMES + 1];
        assert_eq!(a.check_standard(&more), Err(Reason::TooManyRequestHeaders));
        let long = vec![b'x'; MAX_REQUESTED_HEADER_BYTES + 1];
        let any = allowed(true, &[]);
        assert_eq!(
            any.check_standard(&[&long]),
            Err(Reason::TooManyRequestHeaders)
        );
        let fits = vec![b'x'; MAX_REQUESTED_HEADER_BYTES];
        assert_eq!(any.check_standard(&[&fits]), Ok(()));
    }

    #[test]
    fn tokens() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"x-custom_1"));
        assert!(!is_token(b""));
        assert!(!is_token(b"GE T"));
        assert!(!is_token(b"a,b"));
    }
}
