//! The `image.openshift.io` group as the router sees it: discovery and dispatch by resource.

use serde_json::Value;

use crate::openshift::body::Answer;
use crate::openshift::group::{ApiGroup, Call};
use crate::openshift::images::objects::{IMAGE_GROUP, resources};
use crate::openshift::images::streams;
use crate::openshift::images::tags;
use crate::openshift::state::Shared;
use crate::openshift::status::{method_not_allowed, no_such_path};

/// `image.openshift.io/v1`.
pub(crate) struct ImageApi;

impl ApiGroup for ImageApi {
    fn name(&self) -> &'static str {
        IMAGE_GROUP
    }

    fn resources(&self) -> Value {
        resources()
    }

    fn handle(&self, state: &Shared, call: &Call<'_>) -> Answer {
        if call.subresource.is_some() {
            return no_such_path();
        }
        let method = call.request.method.as_str();
        match (call.plural, call.name) {
            ("imagestreams", None) => match method {
                "GET" if call.request.is_watch() => streams::watch(state, call),
                "GET" => streams::list(state, call),
                "POST" => streams::create(state, call),
                _ => method_not_allowed(),
            },
            ("imagestreams", Some(name)) => streams::item(state, call, name),
            // OpenShift refuses watch on imagestreamtags.
            ("imagestreamtags", None) => match method {
                "GET" if call.request.is_watch() => method_not_allowed(),
                "GET" => tags::list(state, call),
                "POST" => tags::create(state, call),
                _ => method_not_allowed(),
            },
            ("imagestreamtags", Some(name)) => tags::item(state, call, name),
            ("imagestreamimages", Some(name)) if method == "GET" => {
                tags::image_get(state, call, name)
            }
            ("imagestreamimages", _) => method_not_allowed(),
            _ => no_such_path(),
        }
    }
}
