//! The field path at a position of a YAML document, for parse errors: the document is read
//! again with a walker that tracks keys and indexes and stops past the position.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};

use crate::position::Pos;
use crate::quote::quote;

/// Reads the document again with a walker that tracks keys and indexes and stops past
/// `target`: the path of the last key at or before it, and the path of the mapping whose next
/// key failed to read (a duplicate key). Called only on error; it costs at most one more
/// parse, under the same budget.
pub(super) fn path_at(text: &str, target: Pos, options: serde_saphyr::Options) -> PathFinder {
    let mut finder = PathFinder {
        target,
        path: Vec::new(),
        last_key: String::new(),
        failed_mapping: None,
    };
    // The walk ends in an error (past the target, or the original error): either way the
    // finder holds the answer.
    let _ = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        de::DeserializeSeed::deserialize(Walk(&mut finder), de)
    });
    finder
}

enum Segment {
    Key(String),
    Index(usize),
}

pub(super) struct PathFinder {
    target: Pos,
    path: Vec<Segment>,
    pub(super) last_key: String,
    pub(super) failed_mapping: Option<String>,
}

impl PathFinder {
    fn render(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&quote(key));
                }
                Segment::Index(index) => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }
}

/// Reads any node, recording the path of every key up to the target.
struct Walk<'f>(&'f mut PathFinder);

impl<'de> de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        loop {
            let key = match map.next_key::<crate::position::Located<String>>() {
                Ok(Some(key)) => key,
                Ok(None) => return Ok(()),
                Err(err) => {
                    if self.0.failed_mapping.is_none() {
                        self.0.failed_mapping = Some(self.0.render());
                    }
                    return Err(err);
                }
            };
            if key.pos > self.0.target {
                return Err(de::Error::custom("past the target"));
            }
            self.0.path.push(Segment::Key(key.value));
            self.0.last_key = self.0.render();
            map.next_value_seed(Walk(&mut *self.0))?;
            self.0.path.pop();
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.0.path.push(Segment::Index(index));
            let more = seq.next_element_seed(Walk(&mut *self.0))?;
            self.0.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}
