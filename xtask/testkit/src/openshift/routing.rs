//! Routing: the discovery documents, and each namespaced request to its API group once the
//! namespace is allowed.

use hyper::Method;
use serde_json::{Value, json};

use crate::openshift::body::{Answer, json_response};
use crate::openshift::builds::api::BuildApi;
use crate::openshift::group::{ApiGroup, Call};
use crate::openshift::images::api::ImageApi;
use crate::openshift::request::ApiRequest;
use crate::openshift::state::{Shared, lock};
use crate::openshift::status::{Resource, no_such_path};

/// The groups served, in discovery order.
const GROUPS: &[&dyn ApiGroup] = &[&ImageApi, &BuildApi];

/// The answer to an authorized request for `path` (percent-decoded).
pub(crate) fn route(state: &Shared, path: &str, request: &ApiRequest) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["version"] => json_response(
            200,
            &json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0", "platform": "linux/amd64"}),
        ),
        ["api"] => json_response(
            200,
            &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        ["api", "v1"] => json_response(
            200,
            &json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace", "verbs": ["get", "list"]}
            ]}),
        ),
        ["apis"] => {
            let groups: Vec<Value> = GROUPS.iter().map(|g| group_json(g.name())).collect();
            json_response(
                200,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        ["apis", name] => match find(name) {
            Some(group) => json_response(200, &group_json(group.name())),
            None => no_such_path(),
        },
        ["apis", name, "v1"] => match find(name) {
            Some(group) => json_response(200, &resource_list_json(group)),
            None => no_such_path(),
        },
        [
            "apis",
            name,
            "v1",
            "namespaces",
            namespace,
            plural,
            rest @ ..,
        ] if rest.len() <= 2 => {
            let Some(group) = find(name) else {
                return no_such_path();
            };
            let call = Call {
                namespace,
                plural,
                name: rest.first().copied(),
                subresource: rest.get(1).copied(),
                request,
            };
            namespaced(state, group, &call)
        }
        _ => no_such_path(),
    }
}

fn find(name: &str) -> Option<&'static dyn ApiGroup> {
    GROUPS.iter().copied().find(|group| group.name() == name)
}

/// 403 in a forbidden namespace, else the group's answer.
fn namespaced(state: &Shared, group: &dyn ApiGroup, call: &Call<'_>) -> Answer {
    if lock(state).forbidden.contains(call.namespace) {
        let collection = call.name.is_none();
        let verb = verb_of(
            &call.request.method,
            collection,
            collection && call.request.is_watch(),
        );
        let resource = Resource {
            group: group.name(),
            plural: call.plural,
        };
        return resource.forbidden(verb, call.namespace, call.name);
    }
    group.handle(state, call)
}

fn verb_of(method: &Method, collection: bool, watch: bool) -> &'static str {
    match (method.as_str(), collection) {
        ("GET", true) if watch => "watch",
        ("GET", true) => "list",
        ("GET", false) => "get",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ => "unknown",
    }
}

fn group_json(name: &str) -> Value {
    json!({
        "name": name,
        "versions": [{"groupVersion": format!("{name}/v1"), "version": "v1"}],
        "preferredVersion": {"groupVersion": format!("{name}/v1"), "version": "v1"},
    })
}

fn resource_list_json(group: &dyn ApiGroup) -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": format!("{}/v1", group.name()),
        "resources": group.resources(),
    })
}
