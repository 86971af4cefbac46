//! The `build.openshift.io` group as the router sees it: discovery and dispatch by resource.

use serde_json::{Value, json};

use crate::openshift::body::Answer;
use crate::openshift::builds::seed::BUILD_GROUP;
use crate::openshift::builds::{configs, runs};
use crate::openshift::group::{ApiGroup, Call};
use crate::openshift::state::Shared;
use crate::openshift::status::{method_not_allowed, no_such_path};

/// `build.openshift.io/v1`.
pub(crate) struct BuildApi;

impl ApiGroup for BuildApi {
    fn name(&self) -> &'static str {
        BUILD_GROUP
    }

    fn resources(&self) -> Value {
        json!([
            {"name": "buildconfigs", "singularName": "buildconfig", "namespaced": true, "kind": "BuildConfig",
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["bc"]},
            {"name": "buildconfigs/instantiatebinary", "singularName": "", "namespaced": true, "kind": "BinaryBuildRequestOptions",
             "verbs": ["create"]},
            {"name": "builds", "singularName": "build", "namespaced": true, "kind": "Build",
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
            {"name": "builds/log", "singularName": "", "namespaced": true, "kind": "BuildLog", "verbs": ["get"]},
        ])
    }

    fn handle(&self, state: &Shared, call: &Call<'_>) -> Answer {
        let method = call.request.method.as_str();
        match (call.plural, call.name, call.subresource) {
            ("buildconfigs", None, None) => match method {
                "GET" => configs::list(state, call),
                "POST" => configs::create(state, call),
                _ => method_not_allowed(),
            },
            ("buildconfigs", Some(name), None) => configs::item(state, call, name),
            ("buildconfigs", Some(name), Some("instantiatebinary")) if method == "POST" => {
                configs::instantiate_binary(state, call, name)
            }
            ("builds", None, None) => match method {
                "GET" if call.request.is_watch() => runs::watch(state, call),
                "GET" => runs::list(state, call),
                _ => method_not_allowed(),
            },
            ("builds", Some(name), None) if method == "GET" => runs::get(state, call, name),
            ("builds", Some(name), Some("log")) if method == "GET" => runs::log(state, call, name),
            ("buildconfigs" | "builds", _, _) => method_not_allowed(),
            _ => no_such_path(),
        }
    }
}
