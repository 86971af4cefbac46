//! `Status` answers with the apiserver's reasons, codes and messages.

use serde_json::{Value, json};

use crate::openshift::body::{Answer, json_response};
use crate::openshift::conventions::USER;

/// A `Status` failure with this code, reason, message and optional details.
pub(crate) fn status_response(
    code: u16,
    reason: &str,
    message: &str,
    details: Option<Value>,
) -> Answer {
    let mut status = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(details) = details {
        status["details"] = details;
    }
    json_response(code, &status)
}

/// 404 for a path no group serves.
pub(crate) fn no_such_path() -> Answer {
    status_response(
        404,
        "NotFound",
        "the server could not find the requested resource",
        None,
    )
}

/// 405 for a verb the resource does not support.
pub(crate) fn method_not_allowed() -> Answer {
    status_response(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        None,
    )
}

/// 400 with this message.
pub(crate) fn bad_request(message: &str) -> Answer {
    status_response(400, "BadRequest", message, None)
}

/// 415 for a PATCH whose content type is not a merge patch.
pub(crate) fn unsupported_patch(content_type: &str) -> Answer {
    status_response(
        415,
        "UnsupportedMediaType",
        &format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got {content_type}"
        ),
        None,
    )
}

/// A resource of a group (`imagestreams` of `image.openshift.io`), for the errors that name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource<'a> {
    /// `image.openshift.io`.
    pub(crate) group: &'a str,
    /// `imagestreams`.
    pub(crate) plural: &'a str,
}

impl Resource<'_> {
    fn details(&self, name: &str) -> Option<Value> {
        Some(json!({"name": name, "group": self.group, "kind": self.plural}))
    }

    fn subject(&self, name: &str) -> String {
        format!("{}.{} \"{name}\"", self.plural, self.group)
    }

    /// 404: the object `name` does not exist.
    pub(crate) fn not_found(&self, name: &str) -> Answer {
        let message = format!("{} not found", self.subject(name));
        status_response(404, "NotFound", &message, self.details(name))
    }

    /// 409 on create: `name` exists.
    pub(crate) fn already_exists(&self, name: &str) -> Answer {
        let message = format!("{} already exists", self.subject(name));
        status_response(409, "AlreadyExists", &message, self.details(name))
    }

    /// 422: the object `name` is invalid.
    pub(crate) fn invalid(&self, name: &str, message: &str) -> Answer {
        let message = format!("{} is invalid: {message}", self.subject(name));
        status_response(422, "Invalid", &message, self.details(name))
    }

    /// 409 on update: the object changed since the client read it.
    pub(crate) fn conflict(&self, name: &str) -> Answer {
        let message = format!(
            "Operation cannot be fulfilled on {}: the object has been modified; please apply your changes to the latest version and try again",
            self.subject(name)
        );
        status_response(409, "Conflict", &message, self.details(name))
    }

    /// 403: [`USER`] may not `verb` this resource (or the object `name`) in `namespace`.
    pub(crate) fn forbidden(&self, verb: &str, namespace: &str, name: Option<&str>) -> Answer {
        let subject = match name {
            Some(name) => self.subject(name),
            None => format!("{}.{}", self.plural, self.group),
        };
        let message = format!(
            "{subject} is forbidden: User \"{USER}\" cannot {verb} resource \"{}\" in API group \"{}\" in the namespace \"{namespace}\"",
            self.plural, self.group
        );
        status_response(403, "Forbidden", &message, self.details(name.unwrap_or("")))
    }
}
