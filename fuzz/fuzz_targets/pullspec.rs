//! Fuzzes the mapping of image pull specs to imagestreamtags.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pullspec) = std::str::from_utf8(data) else {
        return;
    };
    match resolver::pullspec_image_stream_tag(pullspec) {
        Ok(ist) => {
            // The imagestreamtag, written back as a CI registry pull spec, maps to itself.
            let again = format!("registry.ci.openshift.org/{ist}");
            assert_eq!(
                resolver::pullspec_image_stream_tag(&again).as_ref(),
                Ok(&ist),
                "{pullspec:?} gave {ist}, which does not map back"
            );
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
