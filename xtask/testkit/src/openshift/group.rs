//! What an API group of the fake provides: its name, its discovery document, its handlers.

use serde_json::Value;

use crate::openshift::body::Answer;
use crate::openshift::request::ApiRequest;
use crate::openshift::state::Shared;

/// A request for a namespaced resource of a group:
/// `/apis/<group>/v1/namespaces/<namespace>/<plural>[/<name>[/<subresource>]]`.
pub(crate) struct Call<'a> {
    /// The namespace.
    pub(crate) namespace: &'a str,
    /// The resource (`imagestreams`).
    pub(crate) plural: &'a str,
    /// The object, when the request is for one.
    pub(crate) name: Option<&'a str>,
    /// The subresource (`instantiatebinary`, `log`), when the request is for one.
    pub(crate) subresource: Option<&'a str>,
    /// The request itself.
    pub(crate) request: &'a ApiRequest,
}

/// One API group served at version `v1`.
pub(crate) trait ApiGroup: Sync {
    /// `image.openshift.io`.
    fn name(&self) -> &'static str;
    /// The `resources` of its `APIResourceList`.
    fn resources(&self) -> Value;
    /// Answers a request the namespace is allowed to make (authorization is the router's).
    fn handle(&self, state: &Shared, call: &Call<'_>) -> Answer;
}
