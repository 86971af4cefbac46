//! Unit tests of the per-entry resolution; the whole merge is compared with git's in the
//! integration tests.

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use super::{Item, Resolution, resolve_entry};

fn item(kind: EntryKind, byte: u8) -> Option<Item> {
    Some(Item {
        mode: kind.into(),
        id: ObjectId::from_bytes_or_panic(&[byte; 20]),
    })
}

fn file(byte: u8) -> Option<Item> {
    item(EntryKind::Blob, byte)
}

fn dir(byte: u8) -> Option<Item> {
    item(EntryKind::Tree, byte)
}

/// A short name of the resolution, with which side was taken.
fn check(m: Option<Item>, o: Option<Item>, t: Option<Item>) -> String {
    match resolve_entry(m, o, t) {
        Resolution::Take(None) => "delete".to_owned(),
        Resolution::Take(item) if item == o => "ours".to_owned(),
        Resolution::Take(item) if item == t => "theirs".to_owned(),
        Resolution::Take(_) => "other".to_owned(),
        Resolution::Descend(_) => "descend".to_owned(),
        Resolution::ContentMerge(..) => "content merge".to_owned(),
        Resolution::Fallback(why) => format!("fallback: {why}"),
    }
}

#[test]
fn one_side_unchanged_takes_the_other() {
    assert_eq!(check(file(1), file(1), file(2)), "theirs");
    assert_eq!(check(file(1), file(2), file(1)), "ours");
    assert_eq!(check(file(1), file(1), None), "delete");
    assert_eq!(check(file(1), None, file(1)), "delete");
    assert_eq!(check(None, None, file(2)), "theirs");
    assert_eq!(check(None, file(2), None), "ours");
    assert_eq!(check(dir(1), dir(1), dir(2)), "theirs");
    // A type change on one side only is taken too.
    assert_eq!(check(file(1), file(1), dir(2)), "theirs");
    assert_eq!(check(file(1), item(EntryKind::Link, 3), file(1)), "ours");
}

#[test]
fn the_same_change_on_both_sides_is_taken() {
    assert_eq!(check(file(1), file(2), file(2)), "ours");
    assert_eq!(check(None, file(2), file(2)), "ours");
    // A directory changed alike is read for files deleted on both sides.
    assert_eq!(check(dir(1), dir(2), dir(2)), "descend");
}

#[test]
fn changes_on_both_sides_are_merged_or_fall_back() {
    assert_eq!(check(file(1), file(2), file(3)), "content merge");
    assert_eq!(check(dir(1), dir(2), dir(3)), "descend");
    assert_eq!(
        check(file(1), None, None),
        "fallback: is deleted on both sides (it may be renamed)"
    );
    assert_eq!(
        check(file(1), None, file(3)),
        "fallback: is deleted on one side and changed on the other"
    );
    assert_eq!(
        check(None, file(2), file(3)),
        "fallback: is added on both sides"
    );
    assert_eq!(
        check(file(1), dir(2), file(3)),
        "fallback: changes its type, or is a link or submodule changed on both sides"
    );
    assert_eq!(
        check(
            item(EntryKind::Link, 1),
            item(EntryKind::Link, 2),
            item(EntryKind::Link, 3)
        ),
        "fallback: changes its type, or is a link or submodule changed on both sides"
    );
}
