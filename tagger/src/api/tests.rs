//! Unit tests of the request layer's answer parsing.

use super::parse_status;

#[test]
fn status_body_gives_reason_message_and_retry_after() {
    let body = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too many requests","reason":"TooManyRequests","details":{"retryAfterSeconds":3},"code":429}"#;
    let (status, retry_after) = parse_status(429, body);
    assert_eq!(status.reason, "TooManyRequests");
    assert_eq!(status.message, "too many requests");
    assert_eq!(retry_after, Some(std::time::Duration::from_secs(3)));
}

#[test]
fn non_status_body_becomes_the_message() {
    let (status, retry_after) = parse_status(502, b"<html>bad gateway</html>\n");
    assert_eq!(status.code, 502);
    assert_eq!(status.reason, "");
    assert_eq!(status.message, "<html>bad gateway</html>");
    assert_eq!(retry_after, None);
    insta::assert_snapshot!(status.to_string(), @"<html>bad gateway</html>");
}

#[test]
fn long_non_status_body_is_cut() {
    let body = "x".repeat(500);
    let (status, _) = parse_status(500, body.as_bytes());
    assert_eq!(status.message.len(), 203);
}
