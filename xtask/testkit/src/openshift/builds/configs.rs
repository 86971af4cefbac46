//! Requests for `buildconfigs` (list, create, get, update) and `instantiatebinary`, which
//! starts a Build from the uploaded archive.

use serde_json::{Value, json};

use crate::openshift::body::{Answer, json_response};
use crate::openshift::builds::archive;
use crate::openshift::builds::runs;
use crate::openshift::builds::seed::{BUILD_GROUP, Upload};
use crate::openshift::group::Call;
use crate::openshift::state::{Shared, lock};
use crate::openshift::status::{Resource, bad_request, method_not_allowed};
use crate::openshift::update::requested_object;

const CONFIGS: Resource<'static> = Resource {
    group: BUILD_GROUP,
    plural: "buildconfigs",
};

fn key(namespace: &str, name: &str) -> (String, String) {
    (namespace.to_owned(), name.to_owned())
}

/// `GET buildconfigs`.
pub(crate) fn list(state: &Shared, call: &Call<'_>) -> Answer {
    let s = lock(state);
    let items: Vec<Value> = s
        .builds
        .configs
        .iter()
        .filter(|((ns, _), _)| ns == call.namespace)
        .map(|(_, v)| v.clone())
        .collect();
    json_response(
        200,
        &json!({"kind": "BuildConfigList", "apiVersion": format!("{BUILD_GROUP}/v1"),
                "metadata": {"resourceVersion": s.builds.counters.resource_version().to_string()}, "items": items}),
    )
}

/// `POST buildconfigs`: stored with `status.lastVersion: 0`; 409 when the name is taken.
pub(crate) fn create(state: &Shared, call: &Call<'_>) -> Answer {
    let mut object = match call.request.json(CONFIGS.plural) {
        Ok(object) => object,
        Err(answer) => return *answer,
    };
    let Some(name) = object["metadata"]["name"].as_str().map(str::to_owned) else {
        return CONFIGS.invalid(
            "",
            "metadata.name: Required value: name or generateName is required",
        );
    };
    if object["spec"]["strategy"]["type"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        return CONFIGS.invalid(&name, "spec.strategy.type: Required value");
    }
    let mut s = lock(state);
    let store = &mut s.builds;
    if store.configs.contains_key(&key(call.namespace, &name)) {
        return CONFIGS.already_exists(&name);
    }
    object["kind"] = json!("BuildConfig");
    object["apiVersion"] = json!(format!("{BUILD_GROUP}/v1"));
    object["metadata"]["namespace"] = json!(call.namespace);
    object["status"] = json!({"lastVersion": 0});
    store.version(&mut object);
    store
        .configs
        .insert(key(call.namespace, &name), object.clone());
    json_response(201, &object)
}

/// `GET`/`PUT`/`PATCH buildconfigs/<name>`; the server keeps `status`.
pub(crate) fn item(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let mut s = lock(state);
    let store = &mut s.builds;
    let Some(current) = store.configs.get(&key(call.namespace, name)).cloned() else {
        return CONFIGS.not_found(name);
    };
    match call.request.method.as_str() {
        "GET" => return json_response(200, &current),
        "PUT" | "PATCH" => {}
        _ => return method_not_allowed(),
    }
    let mut updated = match requested_object(call.request, CONFIGS, name, &current, true) {
        Ok(object) => object,
        Err(answer) => return *answer,
    };
    updated["metadata"]["name"] = json!(name);
    updated["metadata"]["namespace"] = json!(call.namespace);
    updated["metadata"]["uid"] = current["metadata"]["uid"].clone();
    updated["metadata"]["creationTimestamp"] = current["metadata"]["creationTimestamp"].clone();
    updated["status"] = current["status"].clone();
    // A no-op update keeps the resourceVersion, as the apiserver does.
    let mut unchanged = updated.clone();
    unchanged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"].clone();
    if unchanged == current {
        return json_response(200, &current);
    }
    store.version(&mut updated);
    store
        .configs
        .insert(key(call.namespace, name), updated.clone());
    json_response(200, &updated)
}

/// `POST buildconfigs/<name>/instantiatebinary`: reads the archive (400 when it is not a tar),
/// starts Build `<name>-<lastVersion + 1>` and answers it.
pub(crate) fn instantiate_binary(state: &Shared, call: &Call<'_>, name: &str) -> Answer {
    let entries = match archive::read(&call.request.body) {
        Ok(entries) => entries,
        Err(problem) => {
            return bad_request(&format!(
                "cannot start a binary build of buildconfig {name}: the uploaded archive cannot be read: {problem}"
            ));
        }
    };
    let mut s = lock(state);
    let store = &mut s.builds;
    let Some(mut config) = store.configs.get(&key(call.namespace, name)).cloned() else {
        return CONFIGS.not_found(name);
    };
    if config["spec"]["source"]["type"] != json!("Binary") {
        return bad_request(&format!(
            "cannot upload binary input to buildconfig {name}: its source type is not Binary"
        ));
    }
    let number = config["status"]["lastVersion"].as_i64().unwrap_or(0) + 1;
    config["status"]["lastVersion"] = json!(number);
    store.version(&mut config);
    store
        .configs
        .insert(key(call.namespace, name), config.clone());
    let build_name = format!("{name}-{number}");
    let build = json!({
        "kind": "Build",
        "apiVersion": format!("{BUILD_GROUP}/v1"),
        "metadata": {
            "name": build_name,
            "namespace": call.namespace,
            "labels": {"buildconfig": name, "openshift.io/build-config.name": name},
            "annotations": {"openshift.io/build-config.name": name, "openshift.io/build.number": number.to_string()},
            "ownerReferences": [{"apiVersion": format!("{BUILD_GROUP}/v1"), "kind": "BuildConfig", "name": name, "uid": config["metadata"]["uid"]}],
        },
        "spec": config["spec"].clone(),
        "status": {"phase": "New", "config": {"kind": "BuildConfig", "namespace": call.namespace, "name": name}},
    });
    let build = store.put_build(call.namespace, &build_name, build, "ADDED");
    store.logs.insert(
        key(call.namespace, &build_name),
        format!(
            "Receiving source from STDIN as archive ...\n{} entries\n",
            entries.len()
        ),
    );
    store.uploads.push(Upload {
        namespace: call.namespace.to_owned(),
        build_config: name.to_owned(),
        build: build_name.clone(),
        bytes: call.request.body.len(),
        entries,
    });
    drop(s);
    runs::start(state, call.namespace, &build_name);
    json_response(201, &build)
}
